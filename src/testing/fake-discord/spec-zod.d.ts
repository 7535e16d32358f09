/**
 * Type declarations for the parts of `discord-api-spec/zod` the fake uses.
 *
 * The package ships its zod schemas as plain JavaScript (its `types` entry points at the `.js`
 * file), so without `allowJs` TypeScript reports TS7016. We only use the schemas to validate
 * request bodies, so they are typed as opaque zod-mini schemas; the validated value is then typed
 * with the matching `discord-api-types/v10` body type by the route table.
 */
declare module 'discord-api-spec/zod' {
  import type { ZodMiniType } from 'zod/mini';

  export const MessageCreateRequestSchema: ZodMiniType;
  export const MessageEditRequestPartialSchema: ZodMiniType;
  export const IncomingWebhookRequestPartialSchema: ZodMiniType;
  export const IncomingWebhookUpdateRequestPartialSchema: ZodMiniType;
  export const PongInteractionCallbackRequestSchema: ZodMiniType;
  export const CreateMessageInteractionCallbackRequestSchema: ZodMiniType;
  export const UpdateMessageInteractionCallbackRequestSchema: ZodMiniType;
  export const ApplicationCommandAutocompleteCallbackRequestSchema: ZodMiniType;
  export const ModalInteractionCallbackRequestSchema: ZodMiniType;
  export const LaunchActivityInteractionCallbackRequestSchema: ZodMiniType;
  export const CreatePrivateChannelRequestSchema: ZodMiniType;
  export const BanUserFromGuildRequestSchema: ZodMiniType;
  export const ApplicationCommandCreateRequestSchema: ZodMiniType;
  export const ApplicationCommandUpdateRequestSchema: ZodMiniType;
  export const IncomingWebhookInteractionRequestSchema: ZodMiniType;
  export const IncomingWebhookUpdateForInteractionCallbackRequestPartialSchema: ZodMiniType;
  export const SnowflakeTypeSchema: ZodMiniType;
  export const CreateRoleRequestSchema: ZodMiniType;
  export const ExternalScheduledEventCreateRequestSchema: ZodMiniType;
  export const ExternalScheduledEventPatchRequestPartialSchema: ZodMiniType;
  export const StageScheduledEventCreateRequestSchema: ZodMiniType;
  export const StageScheduledEventPatchRequestPartialSchema: ZodMiniType;
  export const VoiceScheduledEventCreateRequestSchema: ZodMiniType;
  export const VoiceScheduledEventPatchRequestPartialSchema: ZodMiniType;
  export const CreateTextThreadWithoutMessageRequestSchema: ZodMiniType;
  export const CreateForumThreadRequestSchema: ZodMiniType;
  export const UpdateThreadRequestPartialSchema: ZodMiniType;
  /** A response schema: the fake's `GET /oauth2/applications/@me` is checked against it in tests. */
  export const PrivateApplicationResponseSchema: ZodMiniType;
}
