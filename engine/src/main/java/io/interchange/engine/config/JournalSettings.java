package io.interchange.engine.config;

import java.nio.file.Path;
import java.util.Objects;
import io.interchange.journal.Durability;

/**
 * Where the journal lives and what each append survives.
 *
 * @param dir        the journal's directory, as written (a relative path is relative to the working directory).
 * @param durability the durability mode.
 */
public record JournalSettings(Path dir, Durability durability)
{
    public JournalSettings
    {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
    }
}
