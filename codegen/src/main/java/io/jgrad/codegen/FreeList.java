package io.jgrad.codegen;

import java.util.SplittableRandom;

/**
 * One workspace region's free blocks and top, for {@link Plan}'s liveness-based reuse: first
 * fit (the free block of lowest offset that is long enough, else the top), adjacent free blocks
 * merged on release. A treap keyed by offset whose nodes know the longest block below them, so
 * allocating and releasing cost O(log blocks): an unrolled trace frees and reuses ~10⁵ buffers,
 * and a sorted list (a linear scan per call) made planning quadratic.
 */
final class FreeList {
    private static final class Block {
        int off, len, maxLen;
        final int prio;
        Block left, right;

        Block(int off, int len, int prio) {
            this.off = off;
            this.len = len;
            this.maxLen = len;
            this.prio = prio;
        }

        void update() {
            int m = len;
            if (left != null && left.maxLen > m) m = left.maxLen;
            if (right != null && right.maxLen > m) m = right.maxLen;
            maxLen = m;
        }
    }

    /** Fixed seed: the same plan on every run (only the tree's shape depends on it, never an offset). */
    private final SplittableRandom random = new SplittableRandom(0x5EED);
    private Block root;
    private int blocks;
    /** End of the region: everything at or above it is free. */
    int top;

    /** Tree nodes visited so far: the work, which tests hold to O(log blocks) per call. */
    long visits;

    /** Free blocks (for tests). */
    int blocks() { return blocks; }

    /** First fit among the free blocks, else at the top; {@code check} is called with the new top before it grows. */
    int allocate(int size, java.util.function.LongConsumer check) {
        Block b = firstFit(root, size);
        if (b == null) {
            int off = top;
            check.accept((long) top + size);
            top += size;
            return off;
        }
        int off = b.off;
        root = remove(root, off);
        blocks--;
        if (b.len > size) insert(off + size, b.len - size);
        return off;
    }

    /** Frees [off, off + len), merged with a free block ending at off and one starting at off + len. */
    void release(int off, int len) {
        Block before = floor(root, off - 1), after = ceiling(root, off + 1);
        if (after != null && after.off == off + len) {
            len += after.len;
            root = remove(root, after.off);
            blocks--;
        }
        if (before != null && before.off + before.len == off) {
            root = remove(root, before.off);
            blocks--;
            off = before.off;
            len += before.len;
        }
        insert(off, len);
    }

    private void insert(int off, int len) {
        Block[] lr = split(root, off);
        root = merge(merge(lr[0], new Block(off, len, random.nextInt())), lr[1]);
        blocks++;
    }

    /** The block of lowest offset with len >= size, or null. */
    private Block firstFit(Block t, int size) {
        while (t != null && t.maxLen >= size) {
            visits++;
            if (t.left != null && t.left.maxLen >= size) t = t.left;
            else if (t.len >= size) return t;
            else t = t.right;
        }
        return null;
    }

    /** The block of greatest offset <= off, or null. */
    private Block floor(Block t, int off) {
        Block best = null;
        while (t != null) {
            visits++;
            if (t.off <= off) { best = t; t = t.right; }
            else t = t.left;
        }
        return best;
    }

    /** The block of least offset >= off, or null. */
    private Block ceiling(Block t, int off) {
        Block best = null;
        while (t != null) {
            visits++;
            if (t.off >= off) { best = t; t = t.left; }
            else t = t.right;
        }
        return best;
    }

    /** {offsets < off, offsets >= off}. */
    private Block[] split(Block t, int off) {
        if (t == null) return new Block[2];
        visits++;
        if (t.off < off) {
            Block[] r = split(t.right, off);
            t.right = r[0];
            t.update();
            r[0] = t;
            return r;
        }
        Block[] l = split(t.left, off);
        t.left = l[1];
        t.update();
        l[1] = t;
        return l;
    }

    /** Joins two treaps, every offset of a below every offset of b. */
    private Block merge(Block a, Block b) {
        if (a == null) return b;
        if (b == null) return a;
        visits++;
        if (a.prio > b.prio) {
            a.right = merge(a.right, b);
            a.update();
            return a;
        }
        b.left = merge(a, b.left);
        b.update();
        return b;
    }

    private Block remove(Block t, int off) {
        if (t == null) return null;
        visits++;
        if (off < t.off) t.left = remove(t.left, off);
        else if (off > t.off) t.right = remove(t.right, off);
        else return merge(t.left, t.right);
        t.update();
        return t;
    }
}
