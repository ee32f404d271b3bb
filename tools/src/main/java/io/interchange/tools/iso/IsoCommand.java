package io.interchange.tools.iso;

import java.util.concurrent.Callable;

import io.interchange.tools.Interchange;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code interchange iso}: ISO 8583 messages by hand, for debugging links and writing test vectors. */
@Command(
    name = "iso",
    description = "Decode and encode ISO 8583 messages.",
    subcommands = {
        DecodeCommand.class,
        EncodeCommand.class,
        HelpCommand.class,
    })
public final class IsoCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call()
    {
        return Interchange.missingCommand(spec);
    }
}
