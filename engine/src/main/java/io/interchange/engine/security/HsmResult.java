package io.interchange.engine.security;

/**
 * What an {@link Hsm} command came to: a value, never an exception, so a handler on the ring can map it to a
 * response code without a try block or an allocation. DESIGN.md §5 gives the mapping: {@link #MAC_MISMATCH} on a
 * terminal's request answers A0 and is not forwarded, on an issuer's answer it counts as no answer (91 and a
 * reversal); every other failure on the message path answers 96.
 */
public enum HsmResult
{
    /** Done; any output was written. */
    OK,
    /** The MAC computed over the data is not the one that came with it: wrong key, or the bytes were changed. */
    MAC_MISMATCH,
    /** The PIN block, decrypted, is not a valid ISO 9564 format 0 block for the PAN it came with. */
    BAD_PIN_BLOCK,
    /** No key is held under that id. */
    KEY_NOT_FOUND,
    /** The key exists but its {@link KeyType} or length does not allow this command: keys serve one purpose each. */
    KEY_TYPE_MISMATCH,
    /** An imported key's check value is not the one it was sent with: a corrupted or wrongly encrypted key. */
    CHECK_VALUE_MISMATCH,
    /** An argument is out of range: a byte range outside its buffer, a key of the wrong length, a PAN that is not digits. */
    INVALID_INPUT,
    /** The cryptographic provider failed; nothing was written. */
    HSM_ERROR
}
