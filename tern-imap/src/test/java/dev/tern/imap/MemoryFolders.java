package dev.tern.imap;

import dev.tern.store.FolderInfo;
import dev.tern.store.FolderOutcome;
import dev.tern.store.Folders;
import dev.tern.store.SpecialUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** An honest in-memory {@link Folders} for session tests: INBOX plus the special-use folders, under one lock. */
final class MemoryFolders implements Folders {
    private final Map<String, MemoryFolder> folders = new TreeMap<>();
    private final Map<String, Optional<SpecialUse>> uses = new TreeMap<>();
    private final TreeSet<String> subscriptions = new TreeSet<>();
    private long nextUidValidity = 1000;

    MemoryFolders() {
        folders.put(INBOX, new MemoryFolder(INBOX, nextUidValidity++));
        uses.put(INBOX, Optional.empty());
        for (SpecialUse use : SpecialUse.CREATED) {
            folders.put(use.defaultName(), new MemoryFolder(use.defaultName(), nextUidValidity++));
            uses.put(use.defaultName(), Optional.of(use));
            subscriptions.add(use.defaultName());
        }
        subscriptions.add(INBOX);
    }

    private static String canonical(String name) {
        return name.toUpperCase(Locale.ROOT).equals(INBOX) ? INBOX : name;
    }

    @Override
    public synchronized List<FolderInfo> list() {
        List<FolderInfo> out = new ArrayList<>();
        out.add(new FolderInfo(INBOX, Optional.empty(), subscriptions.contains(INBOX)));
        for (String name : folders.keySet()) {
            if (!name.equals(INBOX)) out.add(new FolderInfo(name, uses.get(name), subscriptions.contains(name)));
        }
        return out;
    }

    @Override
    public synchronized Optional<dev.tern.store.Folder> open(String name) {
        return Optional.ofNullable(folders.get(canonical(name)));
    }

    MemoryFolder folder(String name) {
        return (MemoryFolder) open(name).orElseThrow();
    }

    @Override
    public synchronized FolderOutcome create(String name, Optional<SpecialUse> use) {
        name = canonical(name);
        if (folders.containsKey(name)) return new FolderOutcome.AlreadyExists(name);
        String[] parts = name.split("\\.", -1);
        String prefix = "";
        for (String part : parts) {
            if (part.isEmpty()) return new FolderOutcome.Refused("Empty name part");
            prefix = prefix.isEmpty() ? part : prefix + "." + part;
            if (!folders.containsKey(prefix)) {
                folders.put(prefix, new MemoryFolder(prefix, nextUidValidity++));
                uses.put(prefix, Optional.empty());
            }
        }
        uses.put(name, use);
        return new FolderOutcome.Done();
    }

    @Override
    public synchronized FolderOutcome delete(String name) {
        name = canonical(name);
        if (name.equals(INBOX)) return new FolderOutcome.Refused("INBOX cannot be deleted");
        if (!folders.containsKey(name)) return new FolderOutcome.NoSuchFolder(name);
        // As MaildirFolders: a folder with subfolders is refused, not turned into a \Noselect name.
        String prefix = name + ".";
        if (folders.keySet().stream().anyMatch(n -> n.startsWith(prefix))) return new FolderOutcome.Refused("the folder has subfolders; delete them first");
        folders.remove(name);
        uses.remove(name);
        return new FolderOutcome.Done();
    }

    @Override
    public synchronized FolderOutcome rename(String from, String to) {
        from = canonical(from);
        to = canonical(to);
        if (!folders.containsKey(from)) return new FolderOutcome.NoSuchFolder(from);
        if (folders.containsKey(to)) return new FolderOutcome.AlreadyExists(to);
        MemoryFolder old = folders.remove(from);
        folders.put(to, old.renamed(to));
        uses.put(to, uses.remove(from));
        if (from.equals(INBOX)) {
            folders.put(INBOX, new MemoryFolder(INBOX, nextUidValidity++));
            uses.put(INBOX, Optional.empty());
        }
        return new FolderOutcome.Done();
    }

    @Override
    public synchronized void subscribe(String name, boolean subscribed) {
        if (subscribed) subscriptions.add(canonical(name));
        else subscriptions.remove(canonical(name));
    }

    @Override
    public synchronized List<String> subscriptions() {
        return List.copyOf(subscriptions);
    }
}
