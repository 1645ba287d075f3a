package org.jamesspf.spf.record;

import java.util.Objects;
import org.jamesspf.spf.macro.MacroString;

/** A modifier (RFC 7208 6): {@code redirect}, {@code exp} or an unknown one, kept but ignored. */
public final class Modifier {
    private final String name;
    private final MacroString value;

    private Modifier(String name, MacroString value) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
    }

    static Modifier of(String name, MacroString value) {
        return new Modifier(name, value);
    }

    public String name() {
        return name;
    }

    public MacroString value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Modifier && ((Modifier) o).name.equals(name) && ((Modifier) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + value.hashCode();
    }

    @Override
    public String toString() {
        return name + "=" + value;
    }
}
