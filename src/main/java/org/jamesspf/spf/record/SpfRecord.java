package org.jamesspf.spf.record;

import java.util.List;
import java.util.Objects;
import org.jamesspf.spf.macro.MacroString;

/** A parsed SPF record: mechanisms in order, the redirect and exp modifiers, and unknown modifiers. */
public final class SpfRecord {
    private final String text;
    private final List<Mechanism> mechanisms;
    private final Modifier redirect;
    private final Modifier exp;
    private final List<Modifier> unknownModifiers;

    private SpfRecord(String text, List<Mechanism> mechanisms, Modifier redirect, Modifier exp, List<Modifier> unknownModifiers) {
        this.text = Objects.requireNonNull(text, "text");
        this.mechanisms = List.copyOf(mechanisms);
        this.redirect = redirect;
        this.exp = exp;
        this.unknownModifiers = List.copyOf(unknownModifiers);
    }

    static SpfRecord of(String text, List<Mechanism> mechanisms, Modifier redirect, Modifier exp, List<Modifier> unknown) {
        return new SpfRecord(text, mechanisms, redirect, exp, unknown);
    }

    public String text() {
        return text;
    }

    public List<Mechanism> mechanisms() {
        return mechanisms;
    }

    /** The redirect domain-spec, or {@code null}. */
    public MacroString redirect() {
        return redirect == null ? null : redirect.value();
    }

    /** The exp domain-spec, or {@code null}. */
    public MacroString exp() {
        return exp == null ? null : exp.value();
    }

    public List<Modifier> unknownModifiers() {
        return unknownModifiers;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpfRecord && ((SpfRecord) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
