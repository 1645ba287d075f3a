package org.jamesspf.james;

import com.google.inject.Module;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.modules.protocols.SmtpGuiceProbe;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.utils.MailRepositoryProbeImpl;
import org.apache.mailet.Mail;

/**
 * A real James 3.8.1 memory server, in process, configured from XML files written to a
 * temporary directory: SMTP on a loopback port chosen by the OS (PROXY protocol required, so
 * tests choose client addresses), the SPF handler in the chain, and every accepted mail kept
 * in a memory mail repository for inspection.
 */
final class JamesTestServer implements AutoCloseable {
    static final String ACCEPTED = "memory://var/mail/spf-accepted/";
    private static final String HANDLER_PLACEHOLDER = "@SPF_HANDLER@";

    private final GuiceJamesServer server;
    /** Copies of accepted mails handed to the test: disposed at close (each holds a message resource). */
    private final List<Mail> handedOut = java.util.Collections.synchronizedList(new ArrayList<>());

    private JamesTestServer(GuiceJamesServer server) {
        this.server = server;
    }

    /** Starts James with {@code handlerXml} (the whole {@code <handler>} element) in the SMTP chain. */
    static JamesTestServer start(Path workDir, String handlerXml, Module... overrides) throws Exception {
        return start(workDir, handlerXml, java.util.Map.of(), overrides);
    }

    /** As above, with text replacements applied to the test smtpserver.xml (e.g. to announce AUTH). */
    static JamesTestServer start(Path workDir, String handlerXml, java.util.Map<String, String> smtpReplacements, Module... overrides)
        throws Exception {
        return start(workDir, handlerXml, smtpReplacements, java.util.Map.of(), overrides);
    }

    /** WebAdmin on a random loopback port with the SPF explain route and James's Prometheus metrics route. */
    static final String WEBADMIN_WITH_SPF = "enabled=true\nport=0\nhost=127.0.0.1\n"
        + "extensions.routes=org.jamesspf.james.webadmin.SpfExplainRoutes,org.apache.james.webadmin.dropwizard.MetricsRoutes\n";

    /** As above, {@code files} replacing whole configuration files (e.g. webadmin.properties). */
    static JamesTestServer start(Path workDir, String handlerXml, java.util.Map<String, String> smtpReplacements,
                                 java.util.Map<String, String> files, Module... overrides) throws Exception {
        Path conf = Files.createDirectories(workDir.resolve("conf"));
        for (String file : List.of("smtpserver.xml", "mailetcontainer.xml", "imapserver.xml", "pop3server.xml", "lmtpserver.xml",
            "managesieveserver.xml", "domainlist.xml", "webadmin.properties", "jmx.properties", "dnsservice.xml",
            "usersrepository.xml")) {
            String text = files.containsKey(file) ? files.get(file) : resource("james-test-conf/" + file);
            if (file.equals("smtpserver.xml")) {
                text = text.replace(HANDLER_PLACEHOLDER, withLongWait(handlerXml));
                for (java.util.Map.Entry<String, String> r : smtpReplacements.entrySet()) {
                    if (!text.contains(r.getKey())) {
                        throw new IllegalArgumentException("smtpserver.xml has no '" + r.getKey() + "'");
                    }
                    text = text.replace(r.getKey(), r.getValue());
                }
            }
            Files.write(conf.resolve(file), text.getBytes(StandardCharsets.UTF_8));
        }
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .workingDirectory(workDir.toFile())
            .configurationPath(new Configuration.ConfigurationPath("file://conf/"))
            .build();
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
            .overrideWith(binder -> { })
            .overrideWith(overrides);
        server.start();
        return new JamesTestServer(server);
    }

    /**
     * Tests of results, actions and headers must not meet the pending deferral because a busy
     * machine made a check slower than the 200 ms default wait: unless the handler sets
     * {@code <checks>} itself (as the tests of waiting do), it waits up to 3 s here.
     */
    static String withLongWait(String handlerXml) {
        String open = "<handler class=\"org.jamesspf.james.SpfHook\"";
        if (!handlerXml.startsWith(open) || handlerXml.contains("<checks>")) {
            return handlerXml;
        }
        String longWait = "<checks><maxWaitMs>3000</maxWaitMs></checks>";
        if (handlerXml.startsWith(open + "/>")) {
            return open + ">" + longWait + "</handler>" + handlerXml.substring((open + "/>").length());
        }
        return handlerXml.replaceFirst("^<handler class=\"org\\.jamesspf\\.james\\.SpfHook\">", open + ">" + longWait);
    }

    private static String resource(String name) throws IOException {
        try (var in = JamesTestServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    <T extends org.apache.james.utils.GuiceProbe> T probe(Class<T> type) {
        return server.getProbe(type);
    }

    int webAdminPort() {
        return server.getProbe(org.apache.james.utils.WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    int smtpPort() {
        return server.getProbe(SmtpGuiceProbe.class).getSmtpPort().getValue();
    }

    /** The mails accepted so far, waiting up to 30 s for {@code count} of them to arrive. */
    List<Mail> acceptedMails(int count) throws Exception {
        MailRepositoryProbeImpl probe = server.getProbe(MailRepositoryProbeImpl.class);
        MailRepositoryUrl url = MailRepositoryUrl.from(ACCEPTED);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (probe.getRepositoryMailCount(url) < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        List<Mail> mails = new ArrayList<>();
        for (MailKey key : probe.listMailKeys(url)) {
            mails.add(probe.getMail(url, key));
        }
        handedOut.addAll(mails);
        return mails;
    }

    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

    /** Removes the accepted mails kept so far (for long benchmarks); returns how many were ever accepted. */
    synchronized long dropAccepted() throws Exception {
        MailRepositoryProbeImpl probe = server.getProbe(MailRepositoryProbeImpl.class);
        MailRepositoryUrl url = MailRepositoryUrl.from(ACCEPTED);
        org.apache.james.mailrepository.api.MailRepository repository = probe.getMailRepositoryStore().select(url);
        for (MailKey key : probe.listMailKeys(url)) {
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(storedCopies(repository).remove(key));
            dropped.incrementAndGet();
        }
        return dropped.get() + probe.getRepositoryMailCount(url);
    }

    /**
     * The copies James 3.8.1's MemoryMailRepository keeps of stored mails. It disposes none of them:
     * not on remove, not on removeAll, not when the server stops; left alone, each is reported by
     * James's leak detector once collected. James's, not the plugin's: the tests dispose them here.
     */
    @SuppressWarnings("unchecked")
    private static java.util.Map<MailKey, Mail> storedCopies(org.apache.james.mailrepository.api.MailRepository repository) {
        try {
            java.lang.reflect.Field mails = repository.getClass().getDeclaredField("mails");
            mails.setAccessible(true);
            return (java.util.Map<MailKey, Mail>) mails.get(repository);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not James 3.8.1's MemoryMailRepository: " + repository.getClass(), e);
        }
    }

    /** How many mails were accepted so far. */
    long acceptedCount() throws Exception {
        return server.getProbe(MailRepositoryProbeImpl.class).getRepositoryMailCount(MailRepositoryUrl.from(ACCEPTED));
    }

    /** The accepted mail with this subject, waiting up to 30 s for it. */
    Mail delivered(String subject) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            Mail found = null;
            for (Mail mail : acceptedMails(0)) {
                if (found == null && subject.equals(mail.getMessage().getSubject())) {
                    found = mail;
                } else {
                    handedOut.remove(mail);
                    org.apache.james.lifecycle.api.LifecycleUtil.dispose(mail);
                }
            }
            if (found != null) {
                return found;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no delivered mail with subject " + subject);
    }

    @Override
    public void close() {
        try {
            synchronized (handedOut) {
                handedOut.forEach(org.apache.james.lifecycle.api.LifecycleUtil::dispose);
                handedOut.clear();
            }
            MailRepositoryUrl url = MailRepositoryUrl.from(ACCEPTED);
            java.util.Map<MailKey, Mail> stored = storedCopies(server.getProbe(MailRepositoryProbeImpl.class)
                .getMailRepositoryStore().select(url));
            stored.values().forEach(org.apache.james.lifecycle.api.LifecycleUtil::dispose);
            stored.clear();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            server.stop();
        }
    }
}
