#!/usr/bin/env python3
"""Independent derivation of the Polchinski derivative2 beta functions about phi = 0.

frg derives them in rho = phi^2/2 from the normalized dimensionless equations, with the cutoff
constants gamma and sigma put in by hand (Sources/Truncation/PolchinskiDerivative2Derivation.swift).
This script starts one step earlier, from the O(d^2) equations with the cutoff function c(y) itself
(C(p) = c(p^2/k^2)/p^2, k = 1, t = ln k), before any rescaling:

  d_t V = -d V + (d-2+eta)/2 phi V' + 1/2 c0 V'^2 - 1/2 I0 V'' - 1/2 I1 (K - 1)
  d_t K = eta K + (d-2+eta)/2 phi K' + c0 [2 V''(K - 1) + V'K'] + c1 V''^2 - 1/2 I0 K''

c0 = -2 c'(0), c1 = -2 c''(0), I0 = (d K_d/2) int_0^oo y^(d/2-1) (-2 c'(y)) dy,
I1 = (d K_d/2) int_0^oo y^(d/2) (-2 c'(y)) dy, integrated here by sympy for the cutoff
(Litim's UV counterpart c = (1-y) theta(1-y), or c = exp(-y)). It then substitutes
V(phi) = a v(phi/b), K(phi) = z(phi/b) with b^2 = I0/2, a = I0/c0 (the constants that put the LPA in
the normalized form -v'' + v'^2 of PHYSICS.md 1), and projects in phi:
v = sum v_2m phi^2m/(2m)!, z = 1 + sum z_j phi^2j/(2^j j!) (z_j = d^j z/d rho^j at 0),
normalization z(0) = 1 for all t ([phi^0] d_t z = 0 fixes eta).

About the running minimum (frg's `--expansion minimum`) the same unrescaled equations are
evaluated with v(x) = sum_{j=2..n} l_j (x^2/2 - kappa)^j/j!, z = 1 + sum_{j=1..n-1} z_j (x^2/2 - kappa)^j/j!
(v'(kappa) = 0 in rho = x^2/2 built in, z(kappa) = 1). F(rho) = d_t v and G(rho) = d_t z at fixed
rho are the even polynomials in x rewritten in rho; the couplings follow the minimum:
d_t kappa = -F'(kappa)/l_2 (from d_t[v'(kappa)] = 0), d_t l_j = F^(j)(kappa) + l_{j+1} d_t kappa,
d_t z_j = G^(j)(kappa) + z_{j+1} d_t kappa (l_{n+1} = z_n = 0), and z(kappa) = 1 for all t,
G(kappa) + z_1 d_t kappa = 0, fixes eta.

Output (scripts/polchinski-derivative2-sympy.out, read by
Tests/TruncationTests/PolchinskiDerivative2Tests.swift): one line per point,
`cutoff expansion d order couplings... | betas... | eta`, 25 significant digits.
Run: python3 scripts/polchinski-derivative2-sympy.py > scripts/polchinski-derivative2-sympy.out
(sympy 1.14, about ten seconds)
"""
import sympy as sp

phi, x, yv, eta, rho = sp.symbols('phi x y eta rho')


def kd(dd):
    return sp.pi**(dd / 2) / (sp.gamma(dd / 2 + 1) * (2 * sp.pi)**dd)


def cutoff_constants(cutoff, dd):
    if cutoff == 'litim':
        c, upper = 1 - yv, 1
    else:
        c, upper = sp.exp(-yv), sp.oo
    cp = sp.diff(c, yv)
    c0 = -2 * cp.subs(yv, 0)
    c1 = -2 * sp.diff(c, yv, 2).subs(yv, 0)
    pref = dd * kd(dd) / 2
    i0 = pref * sp.integrate(yv**(dd / 2 - 1) * (-2 * cp), (yv, 0, upper))
    i1 = pref * sp.integrate(yv**(dd / 2) * (-2 * cp), (yv, 0, upper))
    return sp.simplify(c0), sp.simplify(c1), sp.simplify(i0), sp.simplify(i1)


def unrescaled_flows(cutoff, dd, v, z):
    """d_t v(x) and d_t z(x) for dimensionless v, z given in the normalized field x: the O(d^2)
    equations are applied to V(phi) = a v(phi/b), K(phi) = z(phi/b) and the result read back in x."""
    c0, c1, i0, i1 = cutoff_constants(cutoff, dd)
    b = sp.sqrt(i0 / 2)
    a = i0 / c0
    V = a * v.subs(x, phi / b)
    K = z.subs(x, phi / b)
    D = lambda f, k=1: sp.diff(f, phi, k)
    dV = -dd * V + (dd - 2 + eta) / 2 * phi * D(V) + c0 / 2 * D(V)**2 - i0 / 2 * D(V, 2) - i1 / 2 * (K - 1)
    dK = eta * K + (dd - 2 + eta) / 2 * phi * D(K) + c0 * (2 * D(V, 2) * (K - 1) + D(V) * D(K)) \
        + c1 * D(V, 2)**2 - i0 / 2 * D(K, 2)
    dv = sp.expand(sp.simplify(dV.subs(phi, b * x) / a))
    dz = sp.expand(sp.simplify(dK.subs(phi, b * x)))
    return dv, dz


def in_rho(even_polynomial):
    """An even polynomial in x as a polynomial in rho = x^2/2."""
    poly = sp.Poly(even_polynomial, x)
    result = 0
    for (power,), coefficient in poly.terms():
        assert power % 2 == 0, 'odd power in a Z2-symmetric flow'
        result += coefficient * (2 * rho)**(power // 2)
    return sp.expand(result)


def derive_minimum(cutoff, order, dd):
    n = order // 2
    kappa = sp.Symbol('kappa')
    ls = sp.symbols(' '.join(f'l{j}' for j in range(2, n + 1)))
    ls = ls if isinstance(ls, tuple) else (ls,)
    zs = sp.symbols(' '.join(f'z{j}' for j in range(1, n)))
    zs = zs if isinstance(zs, tuple) else (zs,)
    r = x**2 / 2 - kappa
    v = sum(ls[j - 2] * r**j / sp.factorial(j) for j in range(2, n + 1))
    z = 1 + sum(zs[j - 1] * r**j / sp.factorial(j) for j in range(1, n))
    dv, dz = unrescaled_flows(cutoff, dd, v, z)
    F, G = in_rho(dv), in_rho(dz)
    dF = [sp.diff(F, rho, j).subs(rho, kappa) for j in range(n + 1)]
    dG = [sp.diff(G, rho, j).subs(rho, kappa) for j in range(n)]
    lam = {j: ls[j - 2] for j in range(2, n + 1)}
    lam[n + 1] = 0
    zz = {j: zs[j - 1] for j in range(1, n)}
    zz[n] = 0
    kappa_dot = -dF[1] / lam[2]
    eta_solution = sp.solve(sp.Eq(dG[0] + zz[1] * kappa_dot, 0), eta)[0]
    betas = [kappa_dot] + [dF[j] + lam[j + 1] * kappa_dot for j in range(2, n + 1)]
    betas += [dG[j] + zz[j + 1] * kappa_dot for j in range(1, n)]
    betas = [sp.simplify(bb.subs(eta, eta_solution)) for bb in betas]
    return [kappa] + list(ls) + list(zs), betas, eta_solution


def derive(cutoff, order, dd):
    n = order // 2
    vs = sp.symbols(' '.join(f'v{2*m}' for m in range(1, n + 1)))
    vs = vs if isinstance(vs, tuple) else (vs,)
    zs = sp.symbols(' '.join(f'z{j}' for j in range(1, n)))
    zs = zs if isinstance(zs, tuple) else (zs,)
    v = sum(vs[m - 1] * x**(2 * m) / sp.factorial(2 * m) for m in range(1, n + 1))
    z = 1 + sum(zs[j - 1] * x**(2 * j) / (2**j * sp.factorial(j)) for j in range(1, n))
    dv, dz = unrescaled_flows(cutoff, dd, v, z)
    eta_solution = sp.solve(sp.Eq(dz.coeff(x, 0), 0), eta)[0]
    betas = [sp.factorial(2 * m) * dv.coeff(x, 2 * m) for m in range(1, n + 1)]
    betas += [2**j * sp.factorial(j) * dz.coeff(x, 2 * j) for j in range(1, n)]
    betas = [sp.expand(bb.subs(eta, eta_solution)) for bb in betas]
    return list(vs) + list(zs), betas, eta_solution


POINTS = {
    4: [[sp.Rational(1, 5), sp.Rational(-3, 10), sp.Rational(1, 4)],
        [sp.Rational(-1, 10), sp.Rational(2, 1), sp.Rational(-3, 4)]],
    6: [[sp.Rational(1, 5), sp.Rational(-3, 10), sp.Rational(-2, 1), sp.Rational(1, 4), sp.Rational(-7, 2)],
        [sp.Rational(-3, 10), sp.Rational(1, 1), sp.Rational(4, 1), sp.Rational(-3, 4), sp.Rational(5, 2)]],
}
# About the minimum: kappa, l2 .. ln, z1 .. z_{n-1}; kappa > 0 and l2 > 0 (a minimum), the rest of
# either sign, none of them special values.
MINIMUM_POINTS = {
    4: [[sp.Rational(3, 10), sp.Rational(7, 5), sp.Rational(-2, 5)],
        [sp.Rational(6, 5), sp.Rational(1, 3), sp.Rational(3, 4)]],
    6: [[sp.Rational(3, 10), sp.Rational(7, 5), sp.Rational(5, 2), sp.Rational(-2, 5), sp.Rational(3, 2)],
        [sp.Rational(6, 5), sp.Rational(1, 3), sp.Rational(-4, 1), sp.Rational(3, 4), sp.Rational(-5, 2)]],
}

if __name__ == '__main__':
    print('# Polchinski derivative2: cutoff expansion d order couplings... | betas... | eta')
    print('# about zero: couplings v2..v2n then z1..z_{n-1} (z_j = d^j z/d rho^j at 0);'
          ' about the minimum: kappa, lambda2..lambdan, z1..z_{n-1} (in rho - kappa)')
    print('# generated by scripts/polchinski-derivative2-sympy.py')
    for expansion, derivation, points in (('zero', derive, POINTS), ('minimum', derive_minimum, MINIMUM_POINTS)):
        for cutoff in ('litim', 'exponential'):
            for dd in (sp.Integer(3), sp.Rational(5, 2)):
                for order in (4, 6):
                    names, betas, eta_expr = derivation(cutoff, order, dd)
                    for point in points[order]:
                        subs = dict(zip(names, point))
                        values = [sp.N(bb.subs(subs), 25) for bb in betas]
                        e = sp.N(eta_expr.subs(subs), 25)
                        print(f"{cutoff} {expansion} {sp.N(dd, 25)} {order} " + ' '.join(str(sp.N(q, 25)) for q in point)
                              + ' | ' + ' '.join(str(val) for val in values) + f' | {e}')
