import { defineModel } from './define.js';

/** Who did what to which object, when (moderation and staff actions). */
export interface AuditEntry {
  _id: string;
  actorId: string;
  action: string;
  targetType: string;
  targetId: string;
  note?: string;
  at: Date;
}

export const AuditModel = defineModel<AuditEntry>('audit', {
  actorId: { type: String, required: true },
  action: { type: String, required: true, maxlength: 64 },
  targetType: { type: String, required: true, maxlength: 32 },
  targetId: { type: String, required: true },
  note: { type: String, maxlength: 1000 },
  at: { type: Date, default: () => new Date() },
}, (s) => {
  s.index({ targetId: 1, at: 1 });
});
