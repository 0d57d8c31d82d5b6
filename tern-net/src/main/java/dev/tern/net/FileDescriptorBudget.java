package dev.tern.net;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Optional;

/**
 * How many connections the process's file-descriptor limit ({@code RLIMIT_NOFILE}) leaves room for. Each
 * session holds one descriptor (its socket; TLS adds none). The rest of the server needs descriptors too: spool
 * segments and spill files of large messages, Maildir files and directories being fsynced by delivery, TLS and
 * account files when they are re-read, class-path jars the JVM opens lazily. Without this budget the default of
 * 20,000 sessions equals a common descriptor limit: at that point {@code accept()} fails with EMFILE, new clients
 * wait in the backlog without a greeting, and local delivery fails too. With it, the sessions over the budget get
 * {@code 421 4.7.0} like those over {@code limits.max_connections}, and delivery keeps its room.
 *
 * @param maxDescriptors  the descriptor limit of the process
 * @param openDescriptors descriptors already open when the listeners start (jars, spool, logs)
 */
public record FileDescriptorBudget(long maxDescriptors, long openDescriptors) {
    /** Descriptors always kept free for everything but sessions, however small the limit. */
    public static final long MIN_RESERVE = 128;
    /** Of a large limit, this fraction is kept free (1/8), for concurrent deliveries and spill files. */
    public static final int RESERVE_DIVISOR = 8;

    public FileDescriptorBudget {
        if (maxDescriptors < 1 || openDescriptors < 0) throw new IllegalArgumentException("descriptor counts out of range");
    }

    /** The budget of this process, where the JDK can tell (on Unix); empty elsewhere. */
    public static Optional<FileDescriptorBudget> ofThisProcess() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            long open = unix.getOpenFileDescriptorCount();
            if (max > 0 && open >= 0) return Optional.of(new FileDescriptorBudget(max, open));
        }
        return Optional.empty();
    }

    /** Descriptors kept free for everything but sessions. */
    public long reserve() {
        return Math.max(MIN_RESERVE, maxDescriptors / RESERVE_DIVISOR);
    }

    /**
     * The sessions allowed at once: {@code configured}, or fewer when the descriptors left after those open and
     * the reserve are fewer; never less than one, so a tiny limit still serves (slowly) rather than refusing all.
     */
    public int connections(int configured) {
        long room = maxDescriptors - openDescriptors - reserve();
        return (int) Math.max(1, Math.min(configured, room));
    }
}
