package io.interchange.engine.config;

/** Whether a merchant or terminal may transact; written lower-case in the file. */
public enum Status
{
    /** Transacts. */
    ACTIVE,
    /** Temporarily barred: its requests are declined. */
    SUSPENDED,
    /** Permanently barred, kept so that its history still clears. */
    CLOSED
}
