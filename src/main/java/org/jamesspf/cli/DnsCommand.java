package org.jamesspf.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** A command that queries DNS: the shared DNS options, and the transport closed when the command ends. */
abstract class DnsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    DnsOptions dnsOptions;

    @Override
    public final Integer call() throws Exception {
        try {
            return execute();
        } finally {
            dnsOptions.close();
        }
    }

    /** The command's work; its return value is the exit code. */
    abstract Integer execute() throws Exception;
}
