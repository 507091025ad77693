#!/usr/bin/env python3
"""Independent derivation of the derivative2 beta functions about phi = 0 (Wetterich, Litim).

frg derives them with its own symbolic layer in rho = phi^2/2 (Sources/Truncation/
Derivative2Derivation.swift). This script starts one step earlier and works in phi:

  d_t Gamma^(2)(p) = int_q d_tR G(q)^2 [Gamma3(p,q,-p-q)^2 G(p+q) - 1/2 Gamma4(p,-p,q,-q)],
  Gamma3 = U''' + 1/2 Z' (p1^2 + p2^2 + p3^2),  Gamma4 = U'''' + 1/2 Z'' sum p_i^2,

expands G(p+q) in p to second order by sympy (angular average <c> = 0, <c^2> = 1/d), takes the
p^0 part as the flow of U'' (here: the flow of U itself, 1/2 int d_tR G) and the p^2 part as the flow
of Z(phi), with the Litim regulator R = Z_k (k^2 - q^2) theta(k^2 - q^2): for y = q^2/k^2 < 1,
P = Z y + 1 - y + U'', G' = -(Z - 1)/P^2, G'' = 2 (Z - 1)^2/P^3, d_tR/(Z_k k^2) = 2 - eta (1 - y);
R'' = delta(y - 1) adds -K_d Gamma3(y=1)^2/P(1)^4 (theta(0) = 1/2 at the jump of d_tR, the limit of
smooth regulators). Dimensionless flows (t = ln k):

  d_t U = -d U + (d-2+eta)/2 phi U' + (d K_d/2) int_0^1 dy y^(d/2-1) s/(2P)
  d_t Z = eta Z + (d-2+eta)/2 phi Z' + [p^2 part]

with U = sum u_2m phi^2m/(2m)!, Z = 1 + sum_j z_j phi^2j/(2^j j!) (z_j = d^j Z/d rho^j at 0),
normalization Z(0) = 1 for all t (so [phi^0] d_t Z = 0 fixes eta). The series in phi and the y
integrals (d/2) int_0^1 y^(d/2-1+m) dy = d/(d+2m) are done by sympy with exact rationals.

Output (scripts/derivative2-sympy.out, read by Tests/TruncationTests/Derivative2AboutZeroTests.swift):
one line per point, `d order couplings... | betas... | eta`, at 25 significant digits.
Run: python3 scripts/derivative2-sympy.py > scripts/derivative2-sympy.out  (sympy 1.14, ~1 min)
"""
import sympy as sp

phi, y, p, c, eta, Kd = sp.symbols('phi y p c eta K_d')
g0, g1, g2 = sp.symbols('g0 g1 g2')  # G, G', G'' at q^2 = y


def p2_projection(U3, U4, Z1, Z2):
    """p^2 coefficient of Gamma3^2 G(p+q) - 1/2 Gamma4, angular-averaged, in terms of g0, g1, g2."""
    sq = sp.sqrt(y)
    pq = p * sq * c                      # p.q
    Q = y + 2 * pq + p**2                # (p+q)^2
    gamma3 = U3 + sp.Rational(1, 2) * Z1 * (p**2 + y + Q)
    gamma4 = U4 + sp.Rational(1, 2) * Z2 * (2 * p**2 + 2 * y)
    dQ = Q - y
    G = g0 + g1 * dQ + sp.Rational(1, 2) * g2 * dQ**2
    expr = sp.expand(gamma3**2 * G - sp.Rational(1, 2) * gamma4)
    coeff = expr.coeff(p, 2)
    coeff = sp.expand(coeff).subs(c**2, 1 / D).subs(c, 0)
    return coeff


D = sp.Symbol('D')  # dimension, substituted numerically below


def derive(order, dval):
    n = order // 2
    us = sp.symbols(' '.join(f'u{2*m}' for m in range(1, n + 1)))
    us = us if isinstance(us, tuple) else (us,)
    zs = sp.symbols(' '.join(f'z{j}' for j in range(1, n))) if n > 1 else ()
    zs = zs if isinstance(zs, tuple) else (zs,)
    U = sum(us[m - 1] * phi**(2 * m) / sp.factorial(2 * m) for m in range(1, n + 1))
    Z = 1 + sum(zs[j - 1] * phi**(2 * j) / (2**j * sp.factorial(j)) for j in range(1, n))
    U2, U3, U4 = [sp.diff(U, phi, k) for k in (2, 3, 4)]
    Z1, Z2 = sp.diff(Z, phi), sp.diff(Z, phi, 2)
    P = Z * y + 1 - y + U2
    s = 2 - eta * (1 - y)
    bulk_p2 = p2_projection(U3, U4, Z1, Z2).subs({g0: 1 / P, g1: -(Z - 1) / P**2, g2: 2 * (Z - 1)**2 / P**3})
    bulk_p2 = bulk_p2.subs(D, dval)
    zloop_integrand = s / P**2 * bulk_p2
    uloop_integrand = s / (2 * P)
    boundary = -Kd * (U3 + Z1)**2 / (Z + U2)**4   # y = 1

    def phi_series(expr, top):
        return sp.expand(sp.series(expr, phi, 0, top + 1).removeO())

    def y_integral(poly):
        # (d K_d/2) int_0^1 y^(d/2-1) y^m dy = K_d d/(d+2m), term by term in powers of y
        poly = sp.expand(poly)
        out = 0
        for term in sp.Add.make_args(poly):
            m = sp.degree(term, y) if term.has(y) else 0
            out += term.subs(y, 1) * Kd * sp.Rational(dval) / (sp.Rational(dval) + 2 * m)
        return out

    top = 2 * n
    dU = -dval * U + (dval - 2 + eta) / 2 * phi * sp.diff(U, phi) + y_integral(phi_series(uloop_integrand, top))
    dZ = eta * Z + (dval - 2 + eta) / 2 * phi * sp.diff(Z, phi) \
        + y_integral(phi_series(zloop_integrand, top)) + phi_series(boundary, top)
    dU, dZ = sp.expand(dU), sp.expand(dZ)
    eta_solution = sp.solve(sp.Eq(dZ.coeff(phi, 0), 0), eta)[0]
    betas = [sp.factorial(2 * m) * dU.coeff(phi, 2 * m) for m in range(1, n + 1)]
    betas += [2**j * sp.factorial(j) * dZ.coeff(phi, 2 * j) for j in range(1, n)]
    betas = [b.subs(eta, eta_solution) for b in betas]
    return list(us) + list(zs), betas, eta_solution


def kd(dval):
    dd = sp.Rational(dval)
    return sp.pi**(dd / 2) / (sp.gamma(dd / 2 + 1) * (2 * sp.pi)**dd)


POINTS = {
    4: [[sp.Rational(-1, 5), sp.Rational(3, 1), sp.Rational(1, 2)],
        [sp.Rational(1, 10), sp.Rational(-2, 1), sp.Rational(-3, 4)]],
    6: [[sp.Rational(-1, 5), sp.Rational(3, 1), sp.Rational(20, 1), sp.Rational(1, 2), sp.Rational(-7, 2)],
        [sp.Rational(3, 10), sp.Rational(-1, 1), sp.Rational(-40, 1), sp.Rational(-3, 4), sp.Rational(5, 1)]],
}

if __name__ == '__main__':
    print('# derivative2 about phi = 0, Wetterich, Litim: d order couplings... | betas... | eta')
    print('# couplings u2..u2n then z1..z_{n-1} (z_j = d^j Z/d rho^j at 0); generated by scripts/derivative2-sympy.py')
    for dval in [sp.Integer(3), sp.Rational(5, 2)]:
        for order in (4, 6):
            names, betas, eta_expr = derive(order, dval)
            for point in POINTS[order]:
                subs = dict(zip(names, point))
                subs[Kd] = kd(dval)
                values = [sp.N(b.subs(subs), 25) for b in betas]
                e = sp.N(eta_expr.subs(subs), 25)
                print(f"{sp.N(dval, 25)} {order} " + ' '.join(str(sp.N(x, 25)) for x in point)
                      + ' | ' + ' '.join(str(v) for v in values) + f' | {e}')
