package org.jamesspf.spf;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.jamesspf.spf.dns.SpfDns;
import org.jamesspf.spf.macro.MacroString;
import org.jamesspf.spf.record.ParseResult;
import org.jamesspf.spf.record.SpfRecordParser;

/**
 * RFC 7208 check_host(), the entry point: evaluates the SPF policy of an identity's domain for a
 * client IP. Thread-safe and shareable; holds the configuration and the parse cache, and runs each
 * call as its own {@link Evaluation}. DNS goes through {@link SpfDns}; results are values, never
 * exceptions. Domain-name syntax is in {@link DomainNames}, the macro values in {@link MacroValues},
 * fetching ahead in {@link FetchAhead}.
 *
 * <p>Evaluations wait for DNS without holding a thread ({@link #checkHostAsync}); they run on
 * {@link EngineThreads}. Whatever the records say, a check's work is bounded: at most 10 DNS terms
 * (RFC 7208 4.6.4), each domain-spec built from at most {@link MacroString#DOMAIN_WINDOW} octets,
 * an explanation of at most {@value #MAX_EXPLANATION_OCTETS}, and the text kept in its outcome capped.
 */
public final class SpfChecker {
    /** The explanation used on fail when the domain publishes no usable exp (RFC 7208 6.2). */
    public static final String DEFAULT_EXPLANATION = "%{o} does not designate %{c} as a permitted sender";

    /** Trace events kept per check; a hostile record cannot make the trace grow past this. */
    static final int MAX_TRACE_EVENTS = 256;
    /** Characters of one trace event's subject or detail (a record can be 64 KB). */
    static final int MAX_TRACE_TEXT = 256;
    /** Characters of all trace events of one check: an outcome with its trace stays a few KB. */
    static final int MAX_TRACE_CHARS = 8192;
    /** RFC 7208 6.2 lets an explanation be cut to a reasonable length: octets built at most. */
    public static final int MAX_EXPLANATION_OCTETS = 1024;
    /** Characters of the deciding term an outcome keeps (a term is record text). */
    public static final int MAX_TERM_OCTETS = 256;
    /** Characters of an outcome's problem text (it quotes names and record text). */
    public static final int MAX_PROBLEM_OCTETS = 512;
    /** Speculative queries in flight at once across a checker's evaluations, by default (see {@link FetchAhead}). */
    public static final int DEFAULT_MAX_SPECULATIVE_QUERIES = 1024;
    /**
     * Characters of record text the parse cache holds at most (about 2 MB with the parsed forms);
     * it is dropped whole when a new record would pass this. Senders choose what fills it, so it is
     * bounded by size, not by count.
     */
    static final int PARSE_CACHE_CHARS = 512 * 1024;
    /** Records longer than this are parsed each time, never cached (real records are far shorter). */
    static final int PARSE_CACHE_MAX_RECORD = 2048;

    private final SpfDns dns;
    private final Limits limits;
    private final MacroString defaultExplanation;
    private final boolean tracing;
    private final boolean fetchAhead;
    private final Clock clock;
    private final EngineThreads threads;
    private final Speculation speculation;
    private final ConcurrentHashMap<String, ParseResult> parsed = new ConcurrentHashMap<>();
    /** Characters of the keys in {@link #parsed}; changed under the lock of {@code parsed}. */
    private long parsedChars;

    private SpfChecker(Builder builder) {
        this.dns = Objects.requireNonNull(builder.dns, "dns");
        this.limits = builder.limits;
        MacroString.Parsed exp = MacroString.parse(builder.defaultExplanation, MacroString.Context.EXPLANATION);
        if (!exp.isValid()) {
            throw new IllegalArgumentException("invalid default explanation '" + builder.defaultExplanation + "': " + exp.error());
        }
        this.defaultExplanation = exp.value();
        this.tracing = builder.tracing;
        this.fetchAhead = builder.fetchAhead;
        this.clock = builder.clock;
        this.threads = builder.threads;
        this.speculation = new Speculation(builder.maxSpeculativeQueries);
    }

    public static Builder builder(SpfDns dns) {
        return new Builder(dns);
    }

    public Limits limits() {
        return limits;
    }

    SpfDns dns() {
        return dns;
    }

    boolean tracing() {
        return tracing;
    }

    boolean fetchAhead() {
        return fetchAhead;
    }

    Clock clock() {
        return clock;
    }

    MacroString defaultExplanation() {
        return defaultExplanation;
    }

    Speculation speculation() {
        return speculation;
    }

    /** Speculative queries in flight now, across this checker's evaluations (for tests of the cap). */
    int speculativeInFlight() {
        return speculation.inFlight();
    }

    /**
     * RFC 7208 4: evaluates the request's identity. Starts on the calling thread; while waiting for
     * DNS it holds no thread, and it goes on on the {@link EngineThreads} when answers come. The
     * stage completes with the outcome, or exceptionally only when the DNS adapter threw.
     */
    public CompletionStage<CheckOutcome> checkHostAsync(CheckRequest request) {
        Objects.requireNonNull(request, "request");
        long start = System.nanoTime();
        Evaluation evaluation = new Evaluation(this, request, start + limits.timeBudget().toNanos(), threads);
        CompletableFuture<Step> done = evaluation.start();
        return done.thenApply(step -> new CheckOutcome(request, step.result, step.reason, step.term, step.problem, step.explanation,
            evaluation.lookups, evaluation.voids, evaluation.queries.sent(), System.nanoTime() - start, evaluation.trace,
            evaluation.macros.built(), evaluation.macros.usesLocalPart()));
    }

    /**
     * As {@link #checkHostAsync}, waiting for the outcome: for callers with a thread to spare (the
     * command line, tests), never for one that must not block.
     */
    public CheckOutcome checkHost(CheckRequest request) {
        try {
            return checkHostAsync(request).toCompletableFuture().join();
        } catch (CompletionException e) {
            // the adapter's own exception, as a synchronous call would have thrown it
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }

    /** Parses a record once per distinct text (RFC 7208 4.6: parse before evaluating). */
    ParseResult parse(String text) {
        ParseResult result = parsed.get(text);
        if (result != null) {
            return result;
        }
        result = SpfRecordParser.parse(text);
        if (text.length() <= PARSE_CACHE_MAX_RECORD) {
            synchronized (parsed) {
                if (parsedChars + text.length() > PARSE_CACHE_CHARS) {
                    parsed.clear();
                    parsedChars = 0;
                }
                if (parsed.putIfAbsent(text, result) == null) {
                    parsedChars += text.length();
                }
            }
        }
        return result;
    }

    /** Characters of record text in the parse cache (for tests of its bound). */
    long parseCacheChars() {
        synchronized (parsed) {
            return parsedChars;
        }
    }

    /** Configures a checker. */
    public static final class Builder {
        private final SpfDns dns;
        private Limits limits = Limits.defaults();
        private String defaultExplanation = DEFAULT_EXPLANATION;
        private boolean tracing = true;
        private boolean fetchAhead = true;
        private Clock clock = Clock.systemUTC();
        private EngineThreads threads;
        private int maxSpeculativeQueries = DEFAULT_MAX_SPECULATIVE_QUERIES;

        private Builder(SpfDns dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
        }

        public Builder limits(Limits value) {
            this.limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** The explanation on fail without a usable exp: an RFC 7208 6.2 explain-string (macros allowed). */
        public Builder defaultExplanation(String value) {
            this.defaultExplanation = Objects.requireNonNull(value, "defaultExplanation");
            return this;
        }

        /** Whether outcomes carry a trace (default true); off saves a little work per check. */
        public Builder tracing(boolean value) {
            this.tracing = value;
            return this;
        }

        /**
         * Whether lookups a record names start before the evaluation reaches them (default true):
         * a check then takes about (dependency depth) x RTT instead of (lookups) x RTT; results and
         * RFC 7208 4.6.4 counters are those of sequential evaluation. See {@link FetchAhead}.
         */
        public Builder fetchAhead(boolean value) {
            this.fetchAhead = value;
            return this;
        }

        /** The clock of the {@code t} macro. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The threads evaluations resume on when an answer comes (default: {@link EngineThreads#common()}). */
        public Builder threads(EngineThreads value) {
            this.threads = Objects.requireNonNull(value, "threads");
            return this;
        }

        /** Speculative queries in flight at once across all evaluations; past it, nothing is fetched ahead (0: never). */
        public Builder maxSpeculativeQueries(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("maxSpeculativeQueries must not be negative, got " + value);
            }
            this.maxSpeculativeQueries = value;
            return this;
        }

        public SpfChecker build() {
            if (threads == null) {
                threads = EngineThreads.common();
            }
            return new SpfChecker(this);
        }
    }
}
