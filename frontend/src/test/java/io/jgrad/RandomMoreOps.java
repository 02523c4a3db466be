package io.jgrad;

import static io.jgrad.RandomPrograms.add;
import static io.jgrad.RandomPrograms.broadcastable;

import io.jgrad.ir.Shapes;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The steps of {@link RandomPrograms} that draw from API.md's "More operations": functions,
 * atan2 and pow of a tensor, comparisons and logical ops feeding where, keepDim reductions,
 * amax/amin, logsumexp, prod, var/std, slicing, select, indexSelect, cat, stack, unsqueeze,
 * squeeze, permute, transpose, expand, flatten and batched matmul. Ops with a restricted domain
 * get a safe expression of their operand (asin of 0.9·tanh, log2 of |x|+0.5, ...); floor, ceil,
 * round and sign (jumps) read only program inputs, whose values every engine has exactly.
 */
final class RandomMoreOps {
    private RandomMoreOps() {}

    /** Appends one step reading pool entry {@code a} (and maybe others); false if none fits. */
    static boolean step(Random rnd, RandomPrograms.Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        String v = "v" + a;
        int inputs = p.inputShapes.length;
        switch (rnd.nextInt(6)) {
            case 0 -> function(rnd, p, shapes, a, a < inputs);
            case 1 -> {
                int b = rnd.nextInt(shapes.size());
                if (!broadcastable(s, shapes.get(b))) return false;
                int[] o = Shapes.broadcast("gen", s, shapes.get(b));
                String vb = "v" + b;
                double c = Math.round((rnd.nextDouble() * 2 - 1) * 8) / 8.0 + 0.0625;   // exact, never 0
                switch (rnd.nextInt(6)) {
                    case 0 -> add(p, shapes, o, v + ".atan2(" + vb + ")", pl -> pl.get(a).atan2(pl.get(b)));
                    case 1 -> add(p, shapes, o, v + ".abs().add(0.5).pow(" + vb + ".tanh())",
                            pl -> pl.get(a).abs().add(0.5f).pow(pl.get(b).tanh()));
                    case 2 -> add(p, shapes, o, "where(" + v + ".gt(" + c + "), " + v + ", " + vb + ")",
                            pl -> Tensor.where(pl.get(a).gt(c), pl.get(a), pl.get(b)));
                    case 3 -> add(p, shapes, o, "where(" + v + ".le(" + vb + ").logicalNot(), " + vb + ".exp(), " + v + ")",
                            pl -> Tensor.where(pl.get(a).le(pl.get(b)).logicalNot(), pl.get(b).exp(), pl.get(a)));
                    case 4 -> add(p, shapes, o, "where(" + v + ".lt(" + c + ").logicalOr(" + vb + ".ge(0)), " + v + ".mul(" + vb + "), " + vb + ")",
                            pl -> Tensor.where(pl.get(a).lt(c).logicalOr(pl.get(b).ge(0)), pl.get(a).mul(pl.get(b)), pl.get(b)));
                    default -> add(p, shapes, o, "where(" + v + ".ne(" + vb + ").logicalAnd(" + v + ".eq(" + v + ")), " + v + ", " + vb + ".neg())",
                            pl -> Tensor.where(pl.get(a).ne(pl.get(b)).logicalAnd(pl.get(a).eq(pl.get(a))), pl.get(a), pl.get(b).neg()));
                }
            }
            case 2 -> {
                if (s.length == 0) return false;
                reduction(rnd, p, shapes, a);
            }
            case 3, 4 -> {
                return structure(rnd, p, shapes, a);
            }
            default -> {
                int b = rnd.nextInt(shapes.size());
                int[] sb = shapes.get(b);
                int[] o;
                try {
                    o = Shapes.matmul("gen", s, sb);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                if (s.length <= 2 && sb.length <= 2) return false;   // the version-1 steps have those
                add(p, shapes, o, v + ".matmul(v" + b + ")", pl -> pl.get(a).matmul(pl.get(b)));
            }
        }
        return true;
    }

    private static void function(Random rnd, RandomPrograms.Program p, List<int[]> shapes, int a, boolean input) {
        int[] s = shapes.get(a);
        String v = "v" + a;
        int k = rnd.nextInt(input ? 22 : 18);
        switch (k) {
            case 0 -> add(p, shapes, s, v + ".tanh().tan()", pl -> pl.get(a).tanh().tan());
            case 1 -> add(p, shapes, s, v + ".tanh().mul(0.875).asin()", pl -> pl.get(a).tanh().mul(0.875f).asin());
            case 2 -> add(p, shapes, s, v + ".tanh().mul(0.875).acos()", pl -> pl.get(a).tanh().mul(0.875f).acos());
            case 3 -> add(p, shapes, s, v + ".atan()", pl -> pl.get(a).atan());
            case 4 -> add(p, shapes, s, v + ".clamp(-3,3).sinh()", pl -> pl.get(a).clamp(-3f, 3f).sinh());
            case 5 -> add(p, shapes, s, v + ".clamp(-3,3).cosh()", pl -> pl.get(a).clamp(-3f, 3f).cosh());
            case 6 -> add(p, shapes, s, v + ".clamp(-3,3).expm1()", pl -> pl.get(a).clamp(-3f, 3f).expm1());
            case 7 -> add(p, shapes, s, v + ".abs().add(0.5).log2()", pl -> pl.get(a).abs().add(0.5f).log2());
            case 8 -> add(p, shapes, s, v + ".abs().add(0.5).log10()", pl -> pl.get(a).abs().add(0.5f).log10());
            case 9 -> add(p, shapes, s, v + ".abs().add(0.5).reciprocal()", pl -> pl.get(a).abs().add(0.5f).reciprocal());
            case 10 -> add(p, shapes, s, v + ".abs().add(0.5).rsqrt()", pl -> pl.get(a).abs().add(0.5f).rsqrt());
            case 11 -> add(p, shapes, s, v + ".erf()", pl -> pl.get(a).erf());
            case 12 -> add(p, shapes, s, v + ".erfc()", pl -> pl.get(a).erfc());
            case 13 -> add(p, shapes, s, v + ".logSigmoid()", pl -> pl.get(a).logSigmoid());
            case 14 -> add(p, shapes, s, v + ".silu()", pl -> pl.get(a).silu());
            case 15 -> add(p, shapes, s, v + ".gelu()", pl -> pl.get(a).gelu());
            case 16 -> add(p, shapes, s, v + ".leakyRelu(0.125)", pl -> pl.get(a).leakyRelu(0.125));
            case 17 -> add(p, shapes, s, v + ".clamp(-3,3).elu(1.5)", pl -> pl.get(a).clamp(-3f, 3f).elu(1.5));
            // jumps: inputs only (exact in every engine); their gradient is zero
            case 18 -> add(p, shapes, s, v + ".mul(3).floor().mul(" + v + ")", pl -> pl.get(a).mul(3f).floor().mul(pl.get(a)));
            case 19 -> add(p, shapes, s, v + ".mul(3).ceil().add(" + v + ")", pl -> pl.get(a).mul(3f).ceil().add(pl.get(a)));
            case 20 -> add(p, shapes, s, v + ".mul(3).round().mul(" + v + ")", pl -> pl.get(a).mul(3f).round().mul(pl.get(a)));
            default -> add(p, shapes, s, v + ".sign().mul(" + v + ")", pl -> pl.get(a).sign().mul(pl.get(a)));
        }
    }

    private static void reduction(Random rnd, RandomPrograms.Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        String v = "v" + a;
        int axis = rnd.nextInt(s.length) - (rnd.nextBoolean() ? s.length : 0);
        int ax = Shapes.axis("gen", s, axis);
        boolean keep = rnd.nextBoolean();
        int[] kept = s.clone();
        kept[ax] = 1;
        int[] out = keep ? kept : Shapes.removeAxis(s, ax);
        int[] removed = Shapes.removeAxis(s, ax);
        switch (rnd.nextInt(10)) {
            case 0 -> add(p, shapes, out, v + ".sum(" + axis + ", " + keep + ")", pl -> pl.get(a).sum(axis, keep));
            case 1 -> add(p, shapes, out, v + ".mean(" + axis + ", " + keep + ")", pl -> pl.get(a).mean(axis, keep));
            case 2 -> add(p, shapes, out, v + ".amax(" + axis + ", " + keep + ")", pl -> pl.get(a).amax(axis, keep));
            case 3 -> add(p, shapes, out, v + ".amin(" + axis + ", " + keep + ")", pl -> pl.get(a).amin(axis, keep));
            case 4 -> add(p, shapes, out, v + ".logsumexp(" + axis + ", " + keep + ")", pl -> pl.get(a).logsumexp(axis, keep));
            case 5 -> add(p, shapes, removed, v + ".tanh().add(1.25).prod(" + axis + ")", pl -> pl.get(a).tanh().add(1.25f).prod(axis));
            case 6 -> add(p, shapes, new int[0], v + ".tanh().add(1.25).prod()", pl -> pl.get(a).tanh().add(1.25f).prod());
            case 7 -> add(p, shapes, new int[0], v + ".amax()", pl -> pl.get(a).amax());
            case 8 -> {
                if (s[ax] < 2) add(p, shapes, new int[0], v + ".amin()", pl -> pl.get(a).amin());
                else add(p, shapes, removed, v + ".var(" + axis + ")", pl -> pl.get(a).var(axis));
            }
            default -> {
                if (s[ax] < 2) add(p, shapes, removed, v + ".logsumexp(" + axis + ")", pl -> pl.get(a).logsumexp(axis));
                else add(p, shapes, removed, v + ".std(" + axis + ")", pl -> pl.get(a).std(axis));
            }
        }
    }

    private static boolean structure(Random rnd, RandomPrograms.Program p, List<int[]> shapes, int a) {
        int[] s = shapes.get(a);
        String v = "v" + a;
        int r = s.length;
        switch (rnd.nextInt(11)) {
            case 0 -> {
                if (r == 0) return false;
                int axis = rnd.nextInt(r) - (rnd.nextBoolean() ? r : 0);
                int start = rnd.nextInt(7) - 3, end = rnd.nextInt(9) - 3;   // negative and out-of-range bounds clamp
                int[] n = Shapes.slice("gen", s, axis, start, end);
                if (n[2] == n[1]) {   // no empty slices (amax of nothing is an error): the last row instead
                    start = -1;
                    end = 1000;
                }
                int b0 = start, e = end;
                n = Shapes.slice("gen", s, axis, b0, e);
                int[] o = s.clone();
                o[n[0]] = n[2] - n[1];
                add(p, shapes, o, v + ".slice(" + axis + ", " + b0 + ", " + e + ")", pl -> pl.get(a).slice(axis, b0, e));
            }
            case 1 -> {
                if (r == 0) return false;
                int axis = rnd.nextInt(r), index = rnd.nextInt(2 * s[axis]) - s[axis];
                add(p, shapes, Shapes.removeAxis(s, axis), v + ".select(" + axis + ", " + index + ")", pl -> pl.get(a).select(axis, index));
            }
            case 2 -> {
                int axis = r == 0 ? 0 : rnd.nextInt(r);
                int n = r == 0 ? 1 : s[axis];
                int[] ix = new int[1 + rnd.nextInt(4)];
                for (int i = 0; i < ix.length; i++) ix[i] = rnd.nextInt(n);   // repeats add their gradients
                int[] o = r == 0 ? new int[] {ix.length} : s.clone();
                if (r > 0) o[axis] = ix.length;
                add(p, shapes, o, v + ".indexSelect(" + axis + ", " + Arrays.toString(ix) + ")", pl -> pl.get(a).indexSelect(axis, ix));
            }
            case 3 -> {
                if (r == 0) return false;
                int axis = rnd.nextInt(r) - (rnd.nextBoolean() ? r : 0);
                int ax = Shapes.axis("gen", s, axis);
                for (int b = shapes.size() - 1; b >= 0; b--) {   // another pool entry that fits, else a function of this one
                    int[] sb = shapes.get(b);
                    boolean fits = sb.length == r;
                    for (int d = 0; fits && d < r; d++) fits = d == ax || sb[d] == s[d];
                    if (fits && b != a) {
                        int bb = b;
                        add(p, shapes, Shapes.cat("gen", axis, new int[][] {s, sb}), "cat(" + axis + ", " + v + ", v" + b + ")",
                                pl -> Tensor.cat(axis, pl.get(a), pl.get(bb)));
                        return true;
                    }
                }
                add(p, shapes, Shapes.cat("gen", axis, new int[][] {s, s, s}), "cat(" + axis + ", " + v + ", " + v + ".sin(), " + v + ")",
                        pl -> Tensor.cat(axis, pl.get(a), pl.get(a).sin(), pl.get(a)));
            }
            case 4 -> {
                int axis = rnd.nextInt(r + 1) - (rnd.nextBoolean() ? r + 1 : 0);
                add(p, shapes, Shapes.stack("gen", axis, new int[][] {s, s}), "stack(" + axis + ", " + v + ", " + v + ".cos())",
                        pl -> Tensor.stack(axis, pl.get(a), pl.get(a).cos()));
            }
            case 5 -> {
                int axis = rnd.nextInt(r + 1);
                int[] o = new int[r + 1];
                for (int d = 0, j = 0; d <= r; d++) o[d] = d == axis ? 1 : s[j++];
                add(p, shapes, o, v + ".unsqueeze(" + axis + ")", pl -> pl.get(a).unsqueeze(axis));
            }
            case 6 -> {
                if (r == 0) return false;
                int axis = rnd.nextInt(r);
                int[] o = s[axis] == 1 ? Shapes.removeAxis(s, axis) : s;
                add(p, shapes, o, v + ".squeeze(" + axis + ")", pl -> pl.get(a).squeeze(axis));
            }
            case 7 -> {
                if (r < 2) return false;
                int[] perm = new int[r];
                for (int i = 0; i < r; i++) perm[i] = i;
                for (int i = r - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1), t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
                int[] o = new int[r];
                for (int i = 0; i < r; i++) o[i] = s[perm[i]];
                add(p, shapes, o, v + ".permute(" + Arrays.toString(perm) + ")", pl -> pl.get(a).permute(perm));
            }
            case 8 -> {
                if (r < 2) return false;
                int i = rnd.nextInt(r), j = rnd.nextInt(r) - r;
                int[] o = s.clone();
                int jj = j + r;
                o[i] = s[jj];
                o[jj] = s[i];
                add(p, shapes, o, v + ".transpose(" + i + ", " + j + ")", pl -> pl.get(a).transpose(i, j));
            }
            case 9 -> {
                if (r > 2) return false;
                int[] target = new int[r + 1];
                target[0] = 2;
                for (int d = 0; d < r; d++) target[d + 1] = s[d] == 1 ? 3 : (rnd.nextBoolean() ? -1 : s[d]);
                add(p, shapes, Shapes.expand("gen", s, target), v + ".expand(" + Arrays.toString(target) + ")", pl -> pl.get(a).expand(target));
            }
            default -> add(p, shapes, new int[] {Math.max(1, io.jgrad.Shapes.size(s))}, v + ".flatten()", pl -> pl.get(a).flatten());
        }
        return true;
    }
}
