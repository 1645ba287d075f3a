package org.jamesspf.spf.suite;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.jamesspf.spf.dns.InMemoryZone;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the openspf RFC 7208 YAML suite following the driver rules of its README: SPF
 * records are copied to TXT only for names without a TXT entry, TIMEOUT entries time out
 * unless records of the asked type come first, absent names do not exist.
 */
public final class SuiteLoader {
    /** The shared copy, relative to the project directory (where Maven runs the tests). */
    static final Path SHARED_COPY = Paths.get("../shared/spf-testsuite/rfc7208-tests.yml");
    /** Debian's python3-spf package ships the suite gzipped here. */
    static final Path DEBIAN_COPY = Paths.get("/usr/share/doc/python3-spf/rfc7208-tests.yml.gz");
    /** Cases in the suite (rfc7208-tests.yml as published with pyspf 2.0.14 and the openspf site). */
    public static final int CASES = 203;

    public static final String WHERE_TO_GET_IT =
        "openspf rfc7208-tests.yml not found: set -Dspf.suite=/path/to/rfc7208-tests.yml, put it at "
            + "../shared/spf-testsuite/, or install Debian's python3-spf (ships rfc7208-tests.yml.gz)";

    /** Where to find the suite: the {@code spf.suite} property, the shared copy, Debian's copy. */
    public static Optional<Path> locate() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("spf.suite");
        if (property != null && !property.isBlank()) {
            candidates.add(Paths.get(property));
        }
        candidates.add(SHARED_COPY);
        candidates.add(DEBIAN_COPY);
        return locate(candidates);
    }

    /** The first readable candidate. */
    static Optional<Path> locate(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isReadable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a missing suite fails the build: in CI ({@code CI=true}, as CI runs {@code .ci/run}) or
     * with {@code -Dspf.suite.required=true}. A plain local run skips with a message instead.
     */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI")) || Boolean.getBoolean("spf.suite.required");
    }

    /**
     * The suite for a conformance test: its path; when there is none, a failure where the suite is
     * {@linkplain #required() required}, else the test is skipped with where to get it.
     */
    public static Path suiteForTests() {
        return suiteForTests(locate(), required());
    }

    static Path suiteForTests(Optional<Path> found, boolean required) {
        if (found.isPresent()) {
            return found.get();
        }
        if (required) {
            throw new AssertionError(WHERE_TO_GET_IT + " (required here: CI=true or -Dspf.suite.required)");
        }
        Assumptions.abort(WHERE_TO_GET_IT);
        throw new AssertionError("unreachable: abort throws");
    }

    /** One zone record as the suite lists it. */
    public static final class ZoneRow {
        public final String name;
        /** A, AAAA, MX, PTR, CNAME, TXT, TIMEOUT (any type), or TXT-NONE. */
        public final String type;
        /** For TXT the character-strings; for MX [preference, host]; else one value. */
        public final List<String> values;

        ZoneRow(String name, String type, List<String> values) {
            this.name = name;
            this.type = type;
            this.values = List.copyOf(values);
        }
    }

    public static List<SuiteScenario> load(Path path) throws IOException {
        // gzip by content (RFC 1952 magic 1f 8b), whatever the file is called
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path));
             InputStream in = isGzip(raw) ? new GZIPInputStream(raw) : raw;
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Yaml yaml = new Yaml(options);
            List<SuiteScenario> scenarios = new ArrayList<>();
            for (Object doc : yaml.loadAll(reader)) {
                if (doc instanceof Map) {
                    scenarios.add(scenario((Map<?, ?>) doc));
                }
            }
            return scenarios;
        }
    }

    private static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b;
    }

    private static SuiteScenario scenario(Map<?, ?> doc) {
        String description = String.valueOf(doc.get("description"));
        List<ZoneRow> rows = zoneRows((Map<?, ?>) doc.get("zonedata"));
        InMemoryZone.Builder zone = InMemoryZone.builder();
        for (ZoneRow row : rows) {
            switch (row.type) {
                case "A":
                    zone.a(row.name, row.values.get(0));
                    break;
                case "AAAA":
                    zone.aaaa(row.name, row.values.get(0));
                    break;
                case "MX":
                    zone.mx(row.name, Integer.parseInt(row.values.get(0)), row.values.get(1));
                    break;
                case "PTR":
                    zone.ptr(row.name, row.values.get(0));
                    break;
                case "CNAME":
                    zone.cname(row.name, row.values.get(0));
                    break;
                case "TXT":
                    zone.txt(row.name, row.values.toArray(new String[0]));
                    break;
                case "TXT-NONE":
                    zone.none(row.name, InMemoryZone.Type.TXT);
                    break;
                case "TIMEOUT":
                    zone.timeout(row.name);
                    break;
                default:
                    throw new IllegalStateException("unexpected zone row type " + row.type);
            }
        }
        List<SuiteCase> cases = new ArrayList<>();
        Map<?, ?> tests = (Map<?, ?>) doc.get("tests");
        for (Map.Entry<?, ?> e : tests.entrySet()) {
            Map<?, ?> t = (Map<?, ?>) e.getValue();
            Object result = t.get("result");
            List<String> results = new ArrayList<>();
            if (result instanceof List) {
                for (Object r : (List<?>) result) {
                    results.add(String.valueOf(r));
                }
            } else {
                results.add(String.valueOf(result));
            }
            Object explanation = t.get("explanation");
            cases.add(new SuiteCase(description, String.valueOf(e.getKey()), String.valueOf(t.get("spec")),
                String.valueOf(t.get("host")), string(t.get("mailfrom")), string(t.get("helo")), results,
                explanation == null ? null : String.valueOf(explanation)));
        }
        return new SuiteScenario(description, zone.build(), rows, cases);
    }

    private static String string(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    /** Flattens zone data, applying the SPF-to-TXT copy rule of the suite README. */
    private static List<ZoneRow> zoneRows(Map<?, ?> zonedata) {
        List<ZoneRow> rows = new ArrayList<>();
        if (zonedata == null) {
            return rows;
        }
        for (Map.Entry<?, ?> e : zonedata.entrySet()) {
            String name = String.valueOf(e.getKey());
            List<?> entries = (List<?>) e.getValue();
            boolean hasTxt = false;
            for (Object entry : entries) {
                if (entry instanceof Map && ((Map<?, ?>) entry).containsKey("TXT")) {
                    hasTxt = true;
                }
            }
            for (Object entry : entries) {
                if (entry instanceof String) {
                    if (!"TIMEOUT".equals(entry)) {
                        throw new IllegalStateException("unknown zone entry " + entry + " at " + name);
                    }
                    rows.add(new ZoneRow(name, "TIMEOUT", List.of()));
                    continue;
                }
                Map<?, ?> record = (Map<?, ?>) entry;
                for (Map.Entry<?, ?> r : record.entrySet()) {
                    String type = String.valueOf(r.getKey()).toUpperCase(Locale.ROOT);
                    Object value = r.getValue();
                    if (type.equals("SPF")) {
                        if (hasTxt) {
                            continue;
                        }
                        type = "TXT";
                    }
                    if (type.equals("TXT")) {
                        if ("NONE".equals(value)) {
                            rows.add(new ZoneRow(name, "TXT-NONE", List.of()));
                        } else if ("TIMEOUT".equals(value)) {
                            rows.add(new ZoneRow(name, "TIMEOUT", List.of()));
                        } else if (value instanceof List) {
                            List<String> strings = new ArrayList<>();
                            for (Object s : (List<?>) value) {
                                strings.add(String.valueOf(s));
                            }
                            rows.add(new ZoneRow(name, "TXT", strings));
                        } else {
                            rows.add(new ZoneRow(name, "TXT", List.of(String.valueOf(value))));
                        }
                    } else if (type.equals("MX")) {
                        List<?> mx = (List<?>) value;
                        rows.add(new ZoneRow(name, "MX", List.of(String.valueOf(mx.get(0)), String.valueOf(mx.get(1)))));
                    } else if ("TIMEOUT".equals(value)) {
                        rows.add(new ZoneRow(name, "TIMEOUT", List.of()));
                    } else {
                        rows.add(new ZoneRow(name, type, List.of(String.valueOf(value))));
                    }
                }
            }
        }
        return rows;
    }
}
