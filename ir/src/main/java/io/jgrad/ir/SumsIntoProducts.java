package io.jgrad.ir;

import java.util.Arrays;

/**
 * A sum over free axes of a product, moved inside the product:
 *
 * <pre>Σ_j dot_general(x, y)[b, i, j] = Σ_j Σ_k x[b,i,k]·y[b,k,j] = Σ_k x[b,i,k]·(Σ_j y[b,k,j])</pre>
 *
 * so {@code reduce_sum(dot_general(x, y), axes)}, where every summed axis is a free
 * (neither batch nor contracted) axis of x or of y, becomes {@code dot_general(reduce_sum(x, ..),
 * reduce_sum(y, ..))}, each operand summed over its own summed free axes (one of the two when
 * all of them belong to one operand). The product shrinks by the size of the summed axes: the
 * GMM gradient's d_μ = −Σ_i Q_kᵀ G_ki was a [K, d, n] product (K·d²·n multiply-adds) summed over
 * n, and is now Q_kᵀ (Σ_i G_ki), K·d² multiply-adds after a sum of G. A {@code neg} between the
 * sum and the product is carried outside ({@code Σ −p = −Σ p} in real arithmetic).
 *
 * <p><b>Not bit-exact</b>, unlike {@link AlgebraicSimplifier}: linearity holds in real
 * arithmetic, but the rounded result differs — the terms are added in another order (first over
 * j, then over k, instead of over k and then j), and the sign of a zero sum can differ under the
 * carried {@code neg}. The order is still a function of the graph's shapes alone (the rule looks at
 * nothing but the pattern and its types), so every body compiled from one function (value,
 * vjp, valueAndGrad) rewrites its copy of a forward pattern alike and they keep giving each other's
 * bits; the eager engine, which does not optimise, sums such a pattern in the other order (README
 * "Data types").
 *
 * <p>Fires only where it saves work by the count below (product multiply-adds plus summed
 * elements): always when the summed axes hold two or more elements and the other operand's free
 * axes too (the product at least halves, which pays for summing the operand); a summed batch or
 * contracted axis is left alone (summing over a batch axis is contracting it: no work saved).
 * The count assumes the product has no other use; the rule fires whatever else uses it, so that
 * the decision depends on the pattern alone and every body decides alike (a product that stays
 * for another use costs a second, smaller product and an operand sum instead of a sum over it).
 * The result keeps the reduction's shape and axis order: the remaining free axes of each operand
 * stay in increasing order, which is the order the reduction left them in.
 */
final class SumsIntoProducts {
    private SumsIntoProducts() {}

    static Graph run(Graph g) {
        Builder b = new Builder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            int[] args = Rebuild.remap(n, map);
            int r = n.prim() == Prim.REDUCE_SUM ? rewrite(b, args[0], n.axes()) : -1;
            map[n.id()] = r >= 0 ? r : b.copy(n, args);
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }

    /** The id of reduce_sum(operand, axes) with the sum moved into the product, or -1. */
    private static int rewrite(Builder b, int operand, int[] axes) {
        boolean negated = b.node(operand).prim() == Prim.NEG;
        int productId = negated ? b.node(operand).arg(0) : operand;
        Node product = b.node(productId);
        if (product.prim() != Prim.DOT_GENERAL || axes.length == 0) return -1;
        int x = product.arg(0), y = product.arg(1);
        Type tx = b.type(x), ty = b.type(y);
        Contraction.Dims d = Contraction.Dims.of(product.ints());
        int nb = d.lb().length;
        int[] fx = Contraction.free(tx.rank(), d.lb(), d.lc()), fy = Contraction.free(ty.rank(), d.rb(), d.rc());
        // result axis nb + j is x's free axis fx[j]; nb + fx.length + j is y's fy[j]
        int[] sumX = new int[axes.length], sumY = new int[axes.length];
        int nx = 0, ny = 0;
        for (int a : axes) {
            if (a < nb) return -1;                                  // a batch axis
            if (a < nb + fx.length) sumX[nx++] = fx[a - nb];
            else sumY[ny++] = fy[a - nb - fx.length];
        }
        sumX = Arrays.copyOf(sumX, nx);   // ascending, as the reduction's axes are
        sumY = Arrays.copyOf(sumY, ny);
        if (!savesWork(tx, ty, d, fx, fy, sumX, sumY)) return -1;
        int rx = nx == 0 ? x : b.reduce(Prim.REDUCE_SUM, x, sumX);
        int ry = ny == 0 ? y : b.reduce(Prim.REDUCE_SUM, y, sumY);
        int r = b.dotGeneral(rx, ry, renumber(d.lb(), sumX), renumber(d.rb(), sumY), renumber(d.lc(), sumX), renumber(d.rc(), sumY));
        return negated ? b.unary(Prim.NEG, r) : r;
    }

    /** Each axis' index once the {@code removed} axes (none of them in {@code axes}) are gone. */
    private static int[] renumber(int[] axes, int[] removed) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int below = 0;
            for (int a : removed) if (a < axes[i]) below++;
            r[i] = axes[i] - below;
        }
        return r;
    }

    /**
     * Before: the product's B·M·K·N multiply-adds and a sum over its B·M·N elements. After: the
     * smaller product (M and N divided by the summed sizes) and the operands' sums over their
     * B·M·K and B·K·N elements.
     */
    private static boolean savesWork(Type tx, Type ty, Contraction.Dims d, int[] fx, int[] fy, int[] sumX, int[] sumY) {
        long batch = size(tx, d.lb()), k = size(tx, d.lc()), m = size(tx, fx), n = size(ty, fy);
        long mSummed = size(tx, sumX), nSummed = size(ty, sumY);
        if (mSummed == 0 || nSummed == 0) return false;   // an empty product: nothing to save
        long before = batch * m * k * n + batch * m * n;
        long after = batch * (m / mSummed) * k * (n / nSummed) + (sumX.length > 0 ? batch * m * k : 0) + (sumY.length > 0 ? batch * k * n : 0);
        return after < before;
    }

    private static long size(Type t, int[] axes) {
        long s = 1;
        for (int a : axes) s *= t.dim(a);
        return s;
    }
}
