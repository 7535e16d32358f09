// Types of render.js (plain JS so the page needs no build step).
type Json = any;
export function esc(s: unknown): string;
export function hexColor(n: number): string;
export function relativeTime(ms: number, now?: number): string;
export function markdown(text: string, ctx?: Json): string;
export function renderEmbed(embed: Json, ctx?: Json): string;
export function renderComponents(components: Json[] | undefined, ctx?: Json, messageId?: string): string;
export function visibleMessages(views: Json[], userId: string, interactions?: Json[], channelId?: string): { view?: Json; failure?: Json; at: number }[];
export function renderMessage(item: Json, ctx: Json): string;
export function renderMembers(snapshot: Json, actingId: string): string;
export function renderCalls(calls: Json[]): string;
export function renderModal(modal: Json): string;
