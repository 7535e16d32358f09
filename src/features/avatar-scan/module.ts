/** The feature's module name: `/config module disable avatar-scan` turns scanning off. */
export const AVATAR_SCAN_MODULE = 'avatar-scan';

/** The gate's channel purpose where reviewers work; high-risk alerts are posted there. */
export const REVIEW_CHANNEL_PURPOSE = 'review';
