package io.jgrad.codegen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** FreeList against the plain first-fit list it replaced: the same offsets, the same top. */
class FreeListTest {
    /** The reference: a sorted list of {offset, length}, scanned from the start. */
    private static final class ListModel {
        final List<int[]> free = new ArrayList<>();
        int top;

        int allocate(int size) {
            for (int i = 0; i < free.size(); i++) {
                int[] f = free.get(i);
                if (f[1] >= size) {
                    int off = f[0];
                    if (f[1] == size) free.remove(i);
                    else { f[0] += size; f[1] -= size; }
                    return off;
                }
            }
            int off = top;
            top += size;
            return off;
        }

        void release(int off, int len) {
            int i = 0;
            while (i < free.size() && free.get(i)[0] < off) i++;
            free.add(i, new int[] {off, len});
            if (i + 1 < free.size() && free.get(i)[0] + free.get(i)[1] == free.get(i + 1)[0]) {
                free.get(i)[1] += free.get(i + 1)[1];
                free.remove(i + 1);
            }
            if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == free.get(i)[0]) {
                free.get(i - 1)[1] += free.get(i)[1];
                free.remove(i);
            }
        }
    }

    @Test
    void sameOffsetsAsTheListOnRandomLifetimes() {
        for (long seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            FreeList tree = new FreeList();
            ListModel list = new ListModel();
            List<int[]> live = new ArrayList<>();   // {offset, length}
            int maxSize = 1 + r.nextInt(seed % 2 == 0 ? 4 : 200);
            for (int step = 0; step < 3000; step++) {
                if (!live.isEmpty() && r.nextInt(100) < 45) {
                    int[] b = live.remove(r.nextInt(live.size()));
                    tree.release(b[0], b[1]);
                    list.release(b[0], b[1]);
                } else {
                    int size = 1 + r.nextInt(maxSize);
                    int off = list.allocate(size);
                    assertEquals(off, tree.allocate(size, top -> {}), "seed " + seed + " step " + step);
                    live.add(new int[] {off, size});
                }
                assertEquals(list.top, tree.top, "top, seed " + seed + " step " + step);
                assertEquals(list.free.size(), tree.blocks(), "free blocks (merged), seed " + seed + " step " + step);
            }
        }
    }

    @Test
    void growingPastTheLimitIsRefusedBeforeTheTopMoves() {
        FreeList f = new FreeList();
        f.allocate(10, top -> {});
        assertThrows(IllegalArgumentException.class, () -> f.allocate(5, top -> {
            if (top > 12) throw new IllegalArgumentException("too big: " + top);
        }));
        assertEquals(10, f.top);
    }
}
