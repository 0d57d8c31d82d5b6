package dev.tern.store;

import java.util.List;

/**
 * COPYUID's data (RFC 4315 §3): {@code sourceUids.get(i)} became {@code targetUids.get(i)} in the target.
 * UIDs that no longer existed are left out of both.
 */
public record CopyResult(long targetUidValidity, List<Long> sourceUids, List<Long> targetUids) {
    public CopyResult {
        sourceUids = List.copyOf(sourceUids);
        targetUids = List.copyOf(targetUids);
        if (sourceUids.size() != targetUids.size()) throw new IllegalArgumentException("uneven copy result");
    }
}
