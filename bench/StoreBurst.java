// StoreBurst: the delivery side alone, no SMTP and no spool: N 10 KiB messages delivered into one Maildir
// mailbox by MaildirStore, C at a time (like the queue runner's slots); prints msgs/s and p50/p99 per delivery.
// Count the fsyncs it costs with strace (see bench/README.md):
//
//   ./mvnw -q -B -o -DskipTests package
//   java -cp 'tern-app/target/lib/*' bench/StoreBurst.java /tmp/storeburst/mail 2000 64
//
// ROOT must be a scratch directory: the mailbox localhost/bench under it is filled with N files.
import dev.tern.mail.Mailbox;
import dev.tern.store.MaildirStore;
import java.io.ByteArrayInputStream;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;

public class StoreBurst {
    public static void main(String[] a) throws Exception {
        Path root = Path.of(a[0]); int n = Integer.parseInt(a[1]); int c = Integer.parseInt(a[2]);
        MaildirStore store = MaildirStore.open(root);
        Mailbox box = Mailbox.of("bench", "localhost");
        byte[] body = new byte[10240]; Arrays.fill(body, (byte) 'x');
        for (int i = 79; i < body.length; i += 80) { body[i - 1] = '\r'; body[i] = '\n'; }
        store.deliver(box, "warm", new ByteArrayInputStream(body), false);
        long[] lat = new long[n];
        Semaphore slots = new Semaphore(c);
        long t0 = System.nanoTime();
        try (var ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i; slots.acquire();
                ex.submit(() -> { long s = System.nanoTime();
                    try { store.deliver(box, "M" + k, new ByteArrayInputStream(body), false); } catch (Exception e) { throw new RuntimeException(e); }
                    finally { lat[k] = System.nanoTime() - s; slots.release(); } return null; });
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(lat);
        System.out.printf("n=%d c=%d msgs_per_s=%.0f p50_ms=%.2f p99_ms=%.2f%n", n, c, n / secs, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6);
    }
}
