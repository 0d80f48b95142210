import type { Actor } from "../audit/audit.ts";
import type { Db } from "../db/knex.ts";
import { toInstantOrNull } from "../db/values.ts";
import type { SignedInUser } from "../types.d.ts";
import type { Role } from "../web/routing.ts";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./passwords.ts";

export interface User extends SignedInUser {
  email: string | null;
  disabledAt: string | null;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  email: string | null;
  disabled_at: unknown;
  theme?: string;
  password_hash: string;
}

/** The columns a signed-in user is read from (never the password hash). */
export const USER_COLUMNS = ["id", "username", "display_name", "role", "email", "disabled_at", "theme"] as const;

/** A user from those columns, or null when they are empty (a left join that found no user). */
export function toUserOrNull(row: Record<string, unknown>): User | null {
  return row.id === null || row.id === undefined ? null : toUser(row as unknown as UserRow);
}

function toUser(row: Omit<UserRow, "password_hash">): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    email: row.email,
    disabledAt: toInstantOrNull(row.disabled_at),
    theme: row.theme === "dark" ? "dark" : "light",
  };
}

/** A signed-in user as the audit trail names them ("Dr Cara Clinician (clinician)") and as they sign letters. */
export function userActor(user: SignedInUser): Actor {
  return { type: "user", id: user.id, name: `${user.displayName} (${user.username})`, role: user.role, displayName: user.displayName };
}

export async function findUser(db: Db, id: number): Promise<User | null> {
  const row: Record<string, unknown> | undefined = await db("users").where({ id }).first([...USER_COLUMNS]);
  return row ? toUserOrNull(row) : null;
}

export async function listUsers(db: Db): Promise<User[]> {
  const rows = await db<UserRow>("users").orderBy("username");
  return rows.map(toUser);
}

/** The user for a username and password, or null. Disabled accounts cannot sign in. */
export async function authenticate(db: Db, username: string, password: string): Promise<User | null> {
  const row = await db<UserRow>("users").whereRaw("lower(username) = ?", [username.trim().toLowerCase()]).first();
  if (!row) {
    await verifyPassword(await dummyPasswordHash(), password);
    return null;
  }
  const ok = await verifyPassword(row.password_hash, password);
  if (!ok || row.disabled_at) return null;
  return toUser(row);
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  email: string | null;
  password: string;
}

export async function createUser(db: Db, user: NewUser, now: string): Promise<number> {
  const [row] = await db("users")
    .insert({
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      email: user.email,
      password_hash: await hashPassword(user.password),
      created_at: now,
      updated_at: now,
    })
    .returning("id");
  return row.id;
}

export async function usernameTaken(db: Db, username: string): Promise<boolean> {
  return Boolean(await db("users").whereRaw("lower(username) = ?", [username.toLowerCase()]).first());
}

export async function setPassword(db: Db, id: number, password: string, now: string): Promise<void> {
  await db("users").where({ id }).update({ password_hash: await hashPassword(password), updated_at: now });
  // A reset password signs the user out everywhere.
  await db("sessions").where({ user_id: id }).delete();
}

export async function setDisabled(db: Db, id: number, disabled: boolean, now: string): Promise<void> {
  await db("users").where({ id }).update({ disabled_at: disabled ? now : null, updated_at: now });
  if (disabled) await db("sessions").where({ user_id: id }).delete();
}
