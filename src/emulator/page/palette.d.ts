// Types of palette.js (plain JS so the page needs no build step).
type Json = any;
export interface PaletteEntry { name: string; path: string[]; label: string; description: string; options: Json[] }
export const T: Record<'SUB' | 'GROUP' | 'STRING' | 'INTEGER' | 'BOOLEAN' | 'USER' | 'CHANNEL' | 'ROLE' | 'MENTIONABLE' | 'NUMBER' | 'ATTACHMENT', number>;
export function paletteEntries(commands: Json[]): PaletteEntry[];
export function filterEntries(entries: PaletteEntry[], typed: string): PaletteEntry[];
export function contextCommands(commands: Json[], type: 2 | 3): string[];
export function coerce(type: number, raw: unknown): string | number | boolean | undefined;
export function buildOptions(entry: PaletteEntry, values: Record<string, string>, focused?: string): Json[];
export function missingRequired(entry: PaletteEntry, values: Record<string, string>): string[];
export function inputKind(o: Json): string;
