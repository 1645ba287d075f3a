package org.jamesspf.james.checks;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Lines a client network can make us write: at most one of a kind per network per minute; the
 * ones held back are counted and the next line written says how many (metrics keep exact counts).
 * Bounded in networks tracked, least recently used first; never cleared wholesale.
 */
final class LogLimiter {
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** One network's minute: when its line was written, and how many were held back since. */
    private static final class Window {
        long minute;
        int suppressed;

        Window(long minute) {
            this.minute = minute;
        }
    }

    private final LongSupplier nanoTime;
    private final Cache<Object, Window> windows;

    LogLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.windows = CacheBuilder.newBuilder().maximumSize(100_000).expireAfterAccess(2, TimeUnit.MINUTES).ticker(new Ticker() {
            @Override
            public long read() {
                return nanoTime.getAsLong();
            }
        }).build();
    }

    /**
     * Whether a line for {@code network} may be written now: -1 when not (it is counted as held
     * back), else how many were held back before it (0 or more), to say in the line.
     */
    int permit(Object network) {
        long minute = Math.floorDiv(nanoTime.getAsLong(), MINUTE);
        int[] result = new int[1];
        windows.asMap().compute(network, (k, w) -> {
            if (w == null) {
                result[0] = 0;
                return new Window(minute);
            }
            if (w.minute != minute) {
                result[0] = w.suppressed;
                w.minute = minute;
                w.suppressed = 0;
                return w;
            }
            w.suppressed++;
            result[0] = -1;
            return w;
        });
        return result[0];
    }
}
