package org.jamesspf.bench;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.james.jspf.impl.SPF;
import org.jamesspf.spf.CheckRequest;
import org.jamesspf.spf.SpfChecker;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * README "Performance": {@code mvn -Pbench-jmh test-compile exec:exec}. Checks that both engines give
 * the same result on every corpus query, runs {@link EngineBenchmark} with JMH's GC profiler, prints
 * checks/s and bytes/check for both and the ratios; JMH's JSON goes to {@code target/jmh-engine.json}.
 */
public final class EngineBenchmarkMain {
    private EngineBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Corpus corpus = Corpus.build();
        SpfChecker engine = EngineBenchmark.engine(corpus);
        SPF jspf = EngineBenchmark.jspf(corpus);
        List<CheckRequest> requests = EngineBenchmark.requests(corpus);
        int differ = 0;
        for (int i = 0; i < requests.size(); i++) {
            Corpus.Query q = corpus.queries.get(i);
            String ours = engine.checkHost(requests.get(i)).result().token();
            String theirs = jspf.checkSPF(q.ip, q.sender, q.helo).getResult();
            if (!ours.equals(theirs)) {
                differ++;
                System.out.println("DIFFERENT: " + q + ": james-spf " + ours + ", jSPF " + theirs);
            }
        }
        System.out.printf(Locale.ROOT, "corpus: %d queries over 30 policies; results: %d the same, %d different%n",
            requests.size(), requests.size() - differ, differ);
        Options options = new OptionsBuilder()
            .include(EngineBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .resultFormat(ResultFormatType.JSON)
            .result("target/jmh-engine.json")
            .build();
        Collection<RunResult> results = new Runner(options).run();
        double oursOps = 0;
        double theirsOps = 0;
        double oursBytes = 0;
        double theirsBytes = 0;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double ops = r.getPrimaryResult().getScore();
            Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
            double bytes = alloc == null ? Double.NaN : alloc.getScore();
            if (name.endsWith("jamesSpf")) {
                oursOps = ops;
                oursBytes = bytes;
            } else {
                theirsOps = ops;
                theirsBytes = bytes;
            }
        }
        System.out.println();
        System.out.println("| engine | checks/s | bytes/check |");
        System.out.println("|---|---|---|");
        System.out.printf(Locale.ROOT, "| james-spf | %.0f | %.0f |%n", oursOps, oursBytes);
        System.out.printf(Locale.ROOT, "| Apache jSPF 1.0.5 | %.0f | %.0f |%n", theirsOps, theirsBytes);
        System.out.printf(Locale.ROOT, "%njames-spf / jSPF: %.1fx the checks per second, 1/%.0f of the bytes per check%n",
            oursOps / theirsOps, theirsBytes / oursBytes);
        if (differ > 0) {
            System.exit(1);
        }
    }
}
