package org.jamesspf.spf.suite;

import java.util.List;
import org.jamesspf.spf.dns.InMemoryZone;

/** One YAML document of the suite: its zone data and its cases. */
public final class SuiteScenario {
    public final String description;
    public final InMemoryZone zone;
    /** The zone as (name, type, value) rows, for servers that serve it over the network. */
    public final List<SuiteLoader.ZoneRow> rows;
    public final List<SuiteCase> cases;

    SuiteScenario(String description, InMemoryZone zone, List<SuiteLoader.ZoneRow> rows, List<SuiteCase> cases) {
        this.description = description;
        this.zone = zone;
        this.rows = List.copyOf(rows);
        this.cases = List.copyOf(cases);
    }
}
