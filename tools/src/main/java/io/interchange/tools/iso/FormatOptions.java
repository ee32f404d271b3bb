package io.interchange.tools.iso;

import io.interchange.codec.Dialect;
import picocli.CommandLine.Option;

/**
 * {@code --dialect} and {@code --framing}, shared by every command that reads or writes messages on the wire
 * (a picocli mixin: {@code @Mixin FormatOptions format}).
 */
public final class FormatOptions
{
    @Option(
        names = "--dialect",
        required = true,
        paramLabel = "<dialect>",
        converter = Dialects.Converter.class,
        completionCandidates = Dialects.Names.class,
        description = "Message format: ${COMPLETION-CANDIDATES}.")
    private Dialect dialect;

    @Option(
        names = "--framing",
        paramLabel = "<framing>",
        defaultValue = "none",
        converter = FrameFormat.Converter.class,
        completionCandidates = FrameFormat.Labels.class,
        description = "Frame around the message: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private FrameFormat framing;

    public Dialect dialect()
    {
        return dialect;
    }

    public FrameFormat framing()
    {
        return framing;
    }
}
