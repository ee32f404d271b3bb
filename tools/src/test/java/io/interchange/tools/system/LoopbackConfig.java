package io.interchange.tools.system;

import java.nio.file.Path;

import io.interchange.engine.config.SwitchConfig;

/** A switch config for a system test: its listeners on ports the OS picks, its two issuers at the test's simulators. */
final class LoopbackConfig
{
    private LoopbackConfig()
    {
    }

    /**
     * @param base    the embedded defaults, or a test's config over them.
     * @param issuerA the port issuer-a's simulator listens on.
     * @param issuerB the port issuer-b's simulator listens on (the same as issuer-a's where one simulator plays both).
     * @param journal the journal's directory, in the test's temp dir.
     */
    static SwitchConfig of(final SwitchConfig base, final int issuerA, final int issuerB, final Path journal)
    {
        return base.withListenerPort("pos-iso87", 0).withListenerPort("pos-cups", 0).withIssuerPort("issuer-a", issuerA)
            .withIssuerPort("issuer-b", issuerB).withJournalDir(journal);
    }
}
