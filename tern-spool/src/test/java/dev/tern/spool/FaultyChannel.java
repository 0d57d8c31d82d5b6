package dev.tern.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A segment channel that fails on command, the way a full disk or a failing one does: once {@link #fail} is
 * set, the next write stores a few bytes and the one after throws (a partial write, then ENOSPC), or force
 * throws EIO (every time, or, with FLUSH_FAILS_ONCE, once, after which the fault is cleared). Everything else
 * goes to the real file.
 */
final class FaultyChannel extends FileChannel {
    enum Fault { NONE, NO_SPACE, FLUSH_FAILS, FLUSH_FAILS_ONCE }

    /** Shared by every channel of one test, so that faults survive segment rolls. */
    static final class Switch {
        volatile Fault fault = Fault.NONE;
        /** Run once, on the committer thread, after the first data flush that follows a
         * {@link #transferFrom} (a content copy from another file: a spill file or, in tests with small
         * messages, a compaction copy). The flushed records are durable then, and their waiters not yet woken. */
        volatile Runnable afterCopyFlushed;
        volatile boolean copied;
    }

    private final FileChannel real;
    private final Switch control;
    private boolean partialWritten;

    FaultyChannel(FileChannel real, Switch control) {
        this.real = real;
        this.control = control;
    }

    private int partial(ByteBuffer source, int n) throws IOException {
        if (control.fault != Fault.NO_SPACE) return n;
        if (partialWritten) {
            partialWritten = false;
            throw new IOException("No space left on device");
        }
        partialWritten = true;
        return Math.min(n, 7);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int allowed = partial(source, source.remaining());
        ByteBuffer slice = source.slice().limit(allowed);
        int n = real.write(slice);
        source.position(source.position() + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        for (int i = offset; i < offset + length; i++) {
            if (sources[i].hasRemaining()) return write(sources[i]);
        }
        return 0;
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        int allowed = partial(source, source.remaining());
        ByteBuffer slice = source.slice().limit(allowed);
        int n = real.write(slice, position);
        source.position(source.position() + n);
        return n;
    }

    @Override
    public long transferFrom(ReadableByteChannel source, long position, long count) throws IOException {
        control.copied = true;
        return real.transferFrom(source, position, partial(null, (int) Math.min(count, Integer.MAX_VALUE)));
    }

    @Override
    public void force(boolean metaData) throws IOException {
        if (control.fault == Fault.FLUSH_FAILS) throw new IOException("Input/output error");
        if (control.fault == Fault.FLUSH_FAILS_ONCE) {
            control.fault = Fault.NONE;
            throw new IOException("Input/output error");
        }
        real.force(metaData);
        Runnable hook = control.afterCopyFlushed;
        if (!metaData && control.copied && hook != null) {
            control.afterCopyFlushed = null;
            hook.run();
        }
    }

    @Override
    public int read(ByteBuffer target) throws IOException {
        return real.read(target);
    }

    @Override
    public long read(ByteBuffer[] targets, int offset, int length) throws IOException {
        return real.read(targets, offset, length);
    }

    @Override
    public int read(ByteBuffer target, long position) throws IOException {
        return real.read(target, position);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        real.truncate(size);
        return this;
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return real.transferTo(position, count, target);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return real.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
