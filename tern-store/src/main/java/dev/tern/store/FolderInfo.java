package dev.tern.store;

import java.util.Optional;

/** A folder as LIST shows it. */
public record FolderInfo(String name, Optional<SpecialUse> use, boolean subscribed) {
    public FolderInfo {
        if (name == null || name.isEmpty() || use == null) throw new IllegalArgumentException("incomplete folder info");
    }
}
