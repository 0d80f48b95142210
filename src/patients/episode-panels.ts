import type { Db } from "../db/knex.ts";
import type { Episode, Patient } from "./model.ts";

/**
 * Other features add a panel to the episode page (the ward's TWOC panel, follow-up, letters)
 * without the episode page knowing about them. A panel names a Handlebars partial and its data.
 */
export interface EpisodePanel {
  partial: string;
  data: Record<string, unknown>;
}

export type EpisodePanelProvider = (context: { db: Db; episode: Episode; patient: Patient; now: Date }) => Promise<EpisodePanel | null>;

export class EpisodePanels {
  private readonly providers: { order: number; provider: EpisodePanelProvider }[] = [];

  add(order: number, provider: EpisodePanelProvider): void {
    this.providers.push({ order, provider });
    this.providers.sort((a, b) => a.order - b.order);
  }

  async render(context: Parameters<EpisodePanelProvider>[0]): Promise<EpisodePanel[]> {
    const panels = await Promise.all(this.providers.map((p) => p.provider(context)));
    return panels.filter((p): p is EpisodePanel => p !== null);
  }
}
