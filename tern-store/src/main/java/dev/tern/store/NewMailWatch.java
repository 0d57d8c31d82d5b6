package dev.tern.store;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices files that other programs put into the new/ of watched folders, so their watchers (IDLE) hear of them
 * within moments: a {@link WatchService} (inotify on Linux) on each watched new/, and a rescan every
 * {@link #RESCAN_MILLIS} of folders whose new/ could not be registered. Tern's own deliveries do not wait for it
 * ({@link MaildirFolder#delivered}).
 *
 * <p>Owns one daemon virtual thread, started with the first watched folder and ended by {@link #close}.
 */
final class NewMailWatch implements AutoCloseable {
    static final long RESCAN_MILLIS = 1000;
    private static final Logger log = LoggerFactory.getLogger(NewMailWatch.class);

    private final Map<WatchKey, MaildirFolder> keys = new ConcurrentHashMap<>();
    private final Map<MaildirFolder, WatchKey> registered = new ConcurrentHashMap<>();
    private final Set<MaildirFolder> polled = ConcurrentHashMap.newKeySet();
    private WatchService service; // guarded by this
    private Thread thread; // guarded by this
    private boolean closed; // guarded by this

    void watch(MaildirFolder folder) {
        WatchService ws = start();
        if (ws == null) return;
        Path incoming = folder.directory().resolve("new");
        try {
            WatchKey key = incoming.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
            keys.put(key, folder);
            registered.put(folder, key);
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("cannot watch {} (inotify limit?): rescanning it every {} ms", incoming, RESCAN_MILLIS, e);
            polled.add(folder);
        }
    }

    void unwatch(MaildirFolder folder) {
        polled.remove(folder);
        WatchKey key = registered.remove(folder);
        if (key != null) {
            key.cancel();
            keys.remove(key);
        }
    }

    private synchronized WatchService start() {
        if (closed) return null;
        if (service == null) {
            try {
                service = FileSystems.getDefault().newWatchService();
            } catch (IOException e) {
                log.warn("no file watch service: new/ of watched folders is rescanned every {} ms", RESCAN_MILLIS, e);
                return null;
            }
            WatchService ws = service;
            thread = Thread.ofVirtual().name("tern-store-new-mail").start(() -> run(ws));
        }
        return service;
    }

    private void run(WatchService ws) {
        while (true) {
            WatchKey key;
            try {
                key = ws.poll(RESCAN_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | java.nio.file.ClosedWatchServiceException e) {
                return; // closed
            }
            if (key != null) {
                key.pollEvents();
                MaildirFolder folder = keys.get(key);
                key.reset();
                if (folder != null) scan(folder);
            }
            for (MaildirFolder folder : polled) scan(folder);
        }
    }

    private static void scan(MaildirFolder folder) {
        try {
            if (folder.isWatched()) folder.scanNew();
        } catch (IOException | RuntimeException e) {
            log.warn("picking up new mail in {} failed", folder.name(), e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (service != null) service.close();
        if (thread != null) thread.interrupt();
    }
}
