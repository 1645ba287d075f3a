package org.jamesspf.spf.suite;

import java.util.List;

/** One case of the openspf YAML suite. */
public final class SuiteCase {
    public final String scenario;
    public final String name;
    public final String spec;
    public final String host;
    public final String mailfrom;
    public final String helo;
    public final List<String> results;
    public final String explanation;

    SuiteCase(String scenario, String name, String spec, String host, String mailfrom, String helo, List<String> results, String explanation) {
        this.scenario = scenario;
        this.name = name;
        this.spec = spec;
        this.host = host;
        this.mailfrom = mailfrom;
        this.helo = helo;
        this.results = List.copyOf(results);
        this.explanation = explanation;
    }

    public String displayName() {
        return scenario + "/" + name + " [" + spec + "]";
    }
}
