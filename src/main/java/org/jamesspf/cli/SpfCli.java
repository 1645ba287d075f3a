package org.jamesspf.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * james-spf on the command line: the same engine the James hook runs, so what it says is what
 * the server will do. Exit codes: 0 ran (whatever the SPF result), 1 lint found an error,
 * 2 usage error, 3 failure (unreadable zone file, I/O error).
 */
@Command(name = "james-spf", mixinStandardHelpOptions = true, versionProvider = SpfCli.Version.class,
    description = "SPF (RFC 7208) check, batch what-if and lint, with the james-spf engine.",
    subcommands = {CheckCommand.class, LintCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:ran (whatever the SPF result)", "1:lint found an error", "2:usage error", "3:failure (I/O, zone file)"})
public final class SpfCli {
    static final int USAGE = 2;
    static final int FAILURE = 3;

    /** Reads the version from the jar manifest, or says it is a development build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpfCli.class.getPackage().getImplementationVersion();
            return new String[] {"james-spf " + (v == null ? "(development build)" : v)};
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the streams are the command's standard input, output and error. */
    public static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new SpfCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("james-spf: " + e.getMessage());
                return USAGE;
            }
            commandLine.getErr().println("james-spf: " + e);
            return FAILURE;
        });
        for (CommandLine sub : cli.getSubcommands().values()) {
            Object command = sub.getCommand();
            if (command instanceof CheckCommand) {
                ((CheckCommand) command).stdin = in;
            }
        }
        return cli.execute(args);
    }
}
