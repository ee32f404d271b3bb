package io.interchange.engine.security;

import java.security.GeneralSecurityException;

import org.agrona.DirectBuffer;

/** One MAC key's algorithm, keyed once; {@link SoftwareHsm} holds one per MAC key and lends it its scratch arrays. */
interface MacEngine
{
    /** Bytes of message each {@code update} takes: a multiple of every block size, small enough to stay in L1. */
    int CHUNK = 256;

    /**
     * Writes the {@link Hsm#MAC_LENGTH}-byte MAC of {@code data[offset, offset + length)} to {@code mac[0, 8)}.
     * {@code in} and {@code out} are scratch of at least {@link #CHUNK} bytes; their contents are not kept.
     */
    void compute(DirectBuffer data, int offset, int length, byte[] in, byte[] out, byte[] mac) throws GeneralSecurityException;
}
