package io.interchange.tools.issuer;

/** What the issuer knows of a card besides its expiry: whether it may be used, or why not. */
public enum CardStatus
{
    /** In use; declined only for expiry, funds or the daily limit. */
    ACTIVE,
    /** Reported lost: answered 41. */
    LOST,
    /** Reported stolen: answered 43. */
    STOLEN
}
