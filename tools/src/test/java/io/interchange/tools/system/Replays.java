package io.interchange.tools.system;

import java.nio.file.Path;
import java.util.List;

import io.interchange.codec.dialect.Dialects;
import io.interchange.engine.SwitchNode;
import io.interchange.engine.config.SwitchConfig;
import io.interchange.engine.replay.Replayer;
import io.interchange.engine.switching.SwitchSetup;
import io.interchange.journal.JournalConfig;

/**
 * A switch's journal replayed through a new switch handler of the same configuration into a journal of its own, for
 * the tests that hold replay to DESIGN.md §2: the same inputs give the same decisions and outputs, byte for byte.
 */
final class Replays
{
    private Replays()
    {
    }

    /** The journal of {@code config}'s runs replayed into a journal in {@code target}, with the same keys and dialects. */
    static Replayer.Report replay(final SwitchConfig config, final Path target)
    {
        final SwitchSetup setup = SwitchNode.setup(config, Dialects.all());
        return Replayer.replay(SwitchNode.handler(config, setup), setup, SwitchNode.journalConfig(config), target(config, target));
    }

    /** The first {@code limit} differences between the journal of {@code config} and its {@link #replay} in {@code target}; none when it held. */
    static List<String> differences(final SwitchConfig config, final Path target, final int limit)
    {
        return Replayer.differences(SwitchNode.journalConfig(config), target(config, target), limit);
    }

    private static JournalConfig target(final SwitchConfig config, final Path target)
    {
        final JournalConfig source = SwitchNode.journalConfig(config);
        return new JournalConfig(target, source.durability(), source.cutoff(), source.zone(), source.panEncryptionKey(), source.panHashKey(),
            source.dialects());
    }
}
