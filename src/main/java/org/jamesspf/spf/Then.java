package org.jamesspf.spf;

/** The rest of an evaluation, given the value it waited for: a continuation (see {@link Parking}). */
interface Then<T> {
    void accept(T value);
}
