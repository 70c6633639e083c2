#!/usr/bin/python3
"""Golden values for the privacy accountants (tests/privacy/accountant_golden.h).

An independent reference in Python with Debian's scipy (python3-scipy), written from the
papers, not from the C++ code:
  * RDP of the Poisson-subsampled Gaussian, add/remove neighbours (Mironov, Talwar, Zhang
    2019): integer orders by the binomial closed form in log space (scipy.special.gammaln,
    logsumexp); fractional orders by adaptive quadrature (scipy.integrate.quad) of
    E_{z~N(0, s^2)}[((1-q) + q exp((2z-1)/(2 s^2)))^a];
  * the improved RDP -> (eps, delta) conversion (Canonne, Kamath, Steinke 2020, Prop. 12);
  * replace-one neighbours from add/remove by group privacy, solved with scipy.optimize.brentq;
  * the exact privacy profile of ONE Poisson-subsampled Gaussian step, the hockey-stick
    divergence int (p - e^eps q)_+ dx of both directions (P = (1-q)N(0,s^2) + qN(1,s^2) against
    Q = N(0,s^2), and swapped), by scipy.integrate.quad: the PLD accountant's T = 1 check;
  * replace-one (substitution) neighbours directly: the pair P = (1-q)N(0,s^2) + qN(1,s^2)
    against Q = (1-q)N(0,s^2) + qN(-1,s^2) (the replaced example's and its replacement's
    clipped gradients at full norm, pointing apart). That no other pair of means in the unit
    disc has a larger one-step profile is checked here on a grid (numpy, 2-D quadrature);
    one step by scipy.integrate.quad; T steps by an independent numpy FFT composition of the
    loss rounded up and down (the true epsilon lies between the two).
Run: /usr/bin/python3 tests/golden/make_accountant_golden.py > tests/privacy/accountant_golden.h
"""
import math

import numpy as np
from scipy import integrate, optimize, special

ORDERS = [i / 10 for i in range(11, 110)] + list(range(11, 64)) + [64, 80, 96, 128, 160, 192, 256, 384, 512, 1024]


def log_a(q, s, a):
    if float(a).is_integer():
        k = np.arange(int(a) + 1)
        terms = (special.gammaln(a + 1) - special.gammaln(k + 1) - special.gammaln(a - k + 1)
                 + (a - k) * math.log1p(-q) + k * math.log(q) + (k * k - k) / (2 * s * s))
        return special.logsumexp(terms)

    def log_f(z):
        return (-z * z / (2 * s * s) - math.log(s * math.sqrt(2 * math.pi))
                + a * np.logaddexp(math.log1p(-q), math.log(q) + (2 * z - 1) / (2 * s * s)))

    # Scale by the largest log value on a coarse grid so quad sees numbers near 1.
    grid = np.linspace(-40 * s - 1, a + 40 * s + 1, 20001)
    peak = float(np.max(log_f(grid)))
    value, _ = integrate.quad(lambda z: math.exp(log_f(z) - peak), -40 * s - 1, a + 40 * s + 1,
                              points=[0.0, a], limit=500, epsabs=0, epsrel=1e-12)
    return peak + math.log(value)


def rdp(q, s, a):
    return max(0.0, log_a(q, s, a) / (a - 1))


def eps_from_rdp(values, log_delta):
    best = min((r + math.log((a - 1) / a) - (log_delta + math.log(a)) / (a - 1), a)
               for a, r in zip(ORDERS, values))
    return max(0.0, best[0]), best[1]


def eps_add_remove(q, s, steps, delta):
    return eps_from_rdp([steps * rdp(q, s, a) for a in ORDERS], math.log(delta))


def eps_replace(q, s, steps, delta):
    values = [steps * rdp(q, s, a) for a in ORDERS]

    def gap(log_d1):
        e, _ = eps_from_rdp(values, log_d1)
        return log_d1 + np.logaddexp(0.0, e) - math.log(delta)

    lo, hi = math.log(delta) - 2000, math.log(delta) - math.log(2)
    log_d1 = hi if gap(hi) <= 0 else optimize.brentq(gap, lo, hi, xtol=1e-13)
    e, a = eps_from_rdp(values, log_d1)
    return 2 * e, a


GRID = np.arange(601) * 0.05


def gdp_delta(mu, eps):
    from scipy.stats import norm
    return np.maximum(0.0, norm.cdf(-eps / mu + mu / 2) - np.exp(eps + norm.logcdf(-eps / mu - mu / 2)))


def delta_from_rdp(values, eps):
    a = np.array(ORDERS, dtype=float)
    r = np.array(values)
    log_d = (a - 1) * (r - eps) + (a - 1) * np.log1p(-1 / a) - np.log(a)
    return float(np.exp(min(0.0, log_d.min())))


def dominating_mu(deltas):
    lo, hi = 1e-6, 1e3
    keep = deltas >= 1e-12  # below, double precision cannot compare the profiles
    ok = lambda mu: bool(np.all(gdp_delta(mu, GRID[keep]) >= deltas[keep]))
    while hi - lo > 1e-10 * hi:
        mid = (lo + hi) / 2
        if ok(mid):
            hi = mid
        else:
            lo = mid
    return hi


def gdp_section():
    from scipy.stats import norm
    print("struct GdpCase { double mu, epsilon, delta, fpr, tpr, advantage; };")
    print("inline const std::vector<GdpCase> kGdpCases = {")
    for mu in (0.25, 0.5, 1.0, 2.0, 4.0, 8.0):
        for eps in (0.0, 0.5, 1.0, 3.0, 8.0):
            fpr = 0.01
            tpr = 1 - norm.cdf(norm.ppf(1 - fpr) - mu)
            adv = 2 * norm.cdf(mu / 2) - 1
            print(f"    {{{mu!r}, {eps!r}, {float(gdp_delta(mu, eps))!r}, {fpr!r}, {tpr!r}, {adv!r}}},")
    print("};\n")
    print("struct MuCase { double q, sigma; long long steps; double mu_add_remove, mu_replace, mu_clt, mu_clt_replace; };")
    print("inline const std::vector<MuCase> kMuCases = {")
    for q, s, steps in ((0.01, 1.0, 1000), (0.0021, 1.0, 4690), (0.05, 2.0, 500), (0.1, 5.0, 100), (0.001, 0.8, 10000)):
        rdp_values = [steps * rdp(q, s, a) for a in ORDERS]
        ar = np.array([delta_from_rdp(rdp_values, e) for e in GRID])
        rp = np.minimum(1.0, (1 + np.exp(GRID / 2)) * np.array([delta_from_rdp(rdp_values, e / 2) for e in GRID]))
        mu_ar = dominating_mu(ar)
        mu_rp = min(2 * mu_ar, dominating_mu(rp))
        clt = q * math.sqrt(steps * math.expm1(1 / s ** 2))
        # Replace-one: mu^2 = T * chi^2 of the substitution pair to first order in q, the
        # integral of (phi_1 - phi_-1)^2 / phi_0 done numerically here.
        from scipy.stats import norm
        chi2 = integrate.quad(lambda x: (norm.pdf(x, 1, s) - norm.pdf(x, -1, s)) ** 2 / norm.pdf(x, 0, s),
                              -30 * s - 2, 30 * s + 2, limit=500, epsabs=0, epsrel=1e-12)[0]
        clt_replace = q * math.sqrt(steps * chi2)
        print(f"    {{{q!r}, {s!r}, {steps}, {mu_ar!r}, {mu_rp!r}, {clt!r}, {clt_replace!r}}},")
    print("};\n")


def one_step_delta(q, s, eps):
    from scipy.stats import norm
    mix = lambda x: (1 - q) * norm.pdf(x, 0, s) + q * norm.pdf(x, 1, s)
    base = lambda x: norm.pdf(x, 0, s)
    out = 0.0
    for p, r in ((mix, base), (base, mix)):
        f = lambda x: max(0.0, p(x) - math.exp(eps) * r(x))
        # The integrand is positive on one side of the single crossing of log(p/r) = eps.
        lo, hi = -40 * s - 1, 40 * s + 2
        value, _ = integrate.quad(f, lo, hi, points=[0.0, 0.5, 1.0], limit=1000, epsabs=1e-15, epsrel=1e-11)
        out = max(out, value)
    return out


def print_one_step_cases(name, delta_of, epsilons):
    """A table of OneStepCase {q, sigma, epsilon, delta}, cases below 1e-9 left out."""
    print(f"inline const std::vector<OneStepCase> {name} = {{")
    for q in (0.01, 0.1, 0.5):
        for s in (0.8, 1.0, 2.0):
            for eps in epsilons:
                d = delta_of(q, s, eps)
                if d < 1e-9:
                    continue
                print(f"    {{{q!r}, {s!r}, {eps!r}, {d!r}}},")
    print("};\n")


def pld_section():
    print("struct OneStepCase { double q, sigma, epsilon, delta; };")
    print_one_step_cases("kOneStepCases", one_step_delta, (0.0, 0.05, 0.2, 0.5))


def substitution_loss(x, q, s):
    a = np.logaddexp(math.log1p(-q), math.log(q) + (2 * x - 1) / (2 * s * s))
    b = np.logaddexp(math.log1p(-q), math.log(q) + (-2 * x - 1) / (2 * s * s))
    return a - b


def substitution_one_step_delta(q, s, eps):
    from scipy.stats import norm
    p = lambda x: (1 - q) * norm.pdf(x, 0, s) + q * norm.pdf(x, 1, s)
    r = lambda x: (1 - q) * norm.pdf(x, 0, s) + q * norm.pdf(x, -1, s)
    f = lambda x: max(0.0, p(x) - math.exp(eps) * r(x))
    value, _ = integrate.quad(f, -40 * s - 1, 40 * s + 2, points=[-1.0, 0.0, 1.0], limit=1000,
                              epsabs=1e-15, epsrel=1e-11)
    return value  # P and Q are mirror images: the other direction is the same


def worst_pair_in_disc(q, s, eps):
    """The one-step profile of (1-q)N(0)+qN(a) against (1-q)N(0)+qN(b) over a grid of means
    a, b in the unit disc (2-D, the plane they span), and the pair that maximises it."""
    step = 0.01 * s
    g = np.arange(-9 * s - 1.2, 9 * s + 1.2, step)
    x, y = np.meshgrid(g, g, indexing="ij")
    phi = lambda mx, my: np.exp(-((x - mx) ** 2 + (y - my) ** 2) / (2 * s * s)) / (2 * math.pi * s * s)
    base = (1 - q) * phi(0.0, 0.0)
    best = (-1.0, None)
    for ra in (0.5, 1.0):
        for rb in (0.0, 0.5, 1.0):
            for angle in (0, 60, 120, 150, 180):
                t = math.radians(angle)
                p = base + q * phi(ra, 0.0)
                r = base + q * phi(rb * math.cos(t), rb * math.sin(t))
                d = float(np.maximum(0.0, p - math.exp(eps) * r).sum() * step * step)
                if d > best[0]:
                    best = (d, (ra, rb, angle))
    return best


def substitution_x_of_loss(l, q, s):
    # l(x) = l with u = e^{x/s^2}, c = e^{-1/(2s^2)}, L = e^l: q c u^2 + (1-q)(1-L) u - q c L = 0.
    big_l = np.exp(l)
    c = math.exp(-1 / (2 * s * s))
    b = (1 - q) * (1 - big_l)
    root = np.sqrt(b * b + 4 * (q * c) ** 2 * big_l)
    u = np.where(b < 0, (-b + root) / (2 * q * c), 2 * big_l * q * c / (b + root))
    return s * s * np.log(u)


def substitution_composed_epsilon(q, s, steps, delta, n=2 ** 24):
    """(epsilon from the loss rounded down, rounded up) of `steps` substitution steps: a grid
    of width h on a window of n points around the composed mean, composed by numpy's FFT."""
    from scipy.special import ndtr
    pdf = lambda x: ((1 - q) * math.exp(-x * x / (2 * s * s)) + q * math.exp(-(x - 1) ** 2 / (2 * s * s))) / (
        s * math.sqrt(2 * math.pi))
    loss = lambda x: float(substitution_loss(x, q, s))
    mean = integrate.quad(lambda x: pdf(x) * loss(x), -30 * s, 30 * s + 1, limit=500)[0]
    sd = math.sqrt(integrate.quad(lambda x: pdf(x) * (loss(x) - mean) ** 2, -30 * s, 30 * s + 1, limit=500)[0])
    half = 30 * math.sqrt(steps) * sd + 0.5
    h = 2 * half / n
    k = np.arange(math.ceil(loss(-14 * s) / h), math.ceil(loss(1 + 14 * s) / h) + 1, dtype=np.int64)
    upper_x = substitution_x_of_loss(k * h, q, s)
    upper_x[-1] = np.inf
    lower_x = np.concatenate(([-np.inf], upper_x[:-1]))
    cdf = lambda x: (1 - q) * ndtr(x / s) + q * ndtr((x - 1) / s)
    one = np.zeros(n)
    np.add.at(one, np.mod(k, n), cdf(upper_x) - cdf(lower_x))
    composed = np.maximum(np.fft.irfft(np.fft.rfft(one) ** steps, n), 0.0)
    index = np.arange(n)
    centre = steps * mean / h
    losses = (index + n * np.round((centre - index) / n)) * h
    edge = composed[np.argsort(losses)]
    assert edge[:1000].sum() + edge[-1000:].sum() < 1e-14, "window too narrow"

    def eps_at(shift):
        ls = losses - shift
        d = lambda e: float(np.sum(composed[ls > e] * -np.expm1(e - ls[ls > e])))
        if d(0.0) <= delta:
            return 0.0
        return optimize.brentq(lambda e: d(e) - delta, 0.0, 200.0, xtol=1e-12)

    return eps_at(steps * h), eps_at(0.0)


def substitution_section():
    for q, s, eps in ((0.1, 1.0, 0.2), (0.5, 0.8, 0.5), (0.01, 1.0, 0.05)):
        worst, pair = worst_pair_in_disc(q, s, eps)
        antipodal = substitution_one_step_delta(q, s, eps)
        assert pair == (1.0, 1.0, 180) and abs(worst - antipodal) < 1e-4 * antipodal, (q, s, eps, worst, pair)
    print("// Replace-one (substitution) pair: one step by quadrature. Checked when generated: on a")
    print("// grid of mean pairs in the unit disc no pair has a larger one-step profile.")
    print_one_step_cases("kSubstitutionOneStepCases", substitution_one_step_delta, (0.0, 0.2, 0.5, 1.0))
    print("struct SubstitutionCase { double q, sigma; long long steps; double delta, epsilon_lower, epsilon_upper; };")
    print("inline const std::vector<SubstitutionCase> kSubstitutionCases = {")
    for q, s, steps in ((0.01, 1.0, 100), (0.05, 2.0, 1000), (256 / 60000, 1.013, 3525)):
        lower, upper = substitution_composed_epsilon(q, s, steps, 1e-5)
        print(f"    {{{q!r}, {s!r}, {steps}, 1e-05, {lower!r}, {upper!r}}},")
    print("};\n")


def main():
    print("#pragma once")
    print("// Generated by tests/golden/make_accountant_golden.py (python3-scipy); do not edit.")
    print("#include <vector>\n\nnamespace ufm::golden {\n")
    print("struct RdpCase { double q, sigma, alpha, rdp; };")
    print("inline const std::vector<RdpCase> kRdpCases = {")
    for q in (0.001, 0.01, 0.1, 0.5):
        for s in (0.6, 1.0, 2.0, 5.0):
            for a in (1.5, 2, 3.7, 8, 10.5, 32, 64.5, 256):
                print(f"    {{{q!r}, {s!r}, {float(a)!r}, {rdp(q, s, a)!r}}},")
    print("};\n")
    print("struct EpsilonCase { double q, sigma; long long steps; double delta, add_remove, replace; };")
    print("inline const std::vector<EpsilonCase> kEpsilonCases = {")
    for q in (0.001, 0.01, 0.1):
        for s in (0.6, 1.0, 2.0, 5.0):
            for steps in (1, 100, 10000):
                for delta in (1e-5, 1e-3):
                    ar = eps_add_remove(q, s, steps, delta)[0]
                    if ar > 100:  # no meaningful guarantee: left out
                        continue
                    rp = eps_replace(q, s, steps, delta)[0]
                    print(f"    {{{q!r}, {s!r}, {steps}, {delta!r}, {ar!r}, {rp!r}}},")
    print("};\n")
    gdp_section()
    pld_section()
    substitution_section()
    print("}  // namespace ufm::golden")


if __name__ == "__main__":
    main()
