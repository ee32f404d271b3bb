package io.interchange.tools.issuer;

import java.io.IOException;
import java.nio.file.Path;

/** A card accounts file that cannot be used: the message names the file, the line and what is wrong there. */
public final class CardFileException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    public CardFileException(final Path file, final int line, final String problem)
    {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    public Path file()
    {
        return file;
    }

    /** The line at fault, from 1; 0 when the file as a whole is at fault. */
    public int line()
    {
        return line;
    }
}
