#!/usr/bin/env python3
"""Simulations behind docs/method.md, "Persistent round effects": round scores that are independent,
or carry a +-a offset whose sign follows a two-state Markov chain (stay probability q), combined by
(1) the sign-flip test of the sum (the gate below 20 rounds), (2) the same studentized by a Bartlett
long-run variance with the exact sign-flip law of the studentized statistic, (3) the gate's block
sign-flip from 20 rounds on, (4) t references for a Bartlett-studentized sum beyond 16 rounds.
Each part prints rejection rates. Run: python3 scripts/simulations/round-dependence.py (minutes).
"""
# ---- part 1: 10 rounds, sign-flip of the sum vs Bartlett-studentized sign-flip
import itertools
import numpy as np
rng = np.random.default_rng(2)
R = 10
E = np.array(list(itertools.product([1,-1], repeat=R)), float)  # 1024 x R
def stat(x, L, centered):
    # x: (..., R)
    S = x.sum(-1)
    y = x - x.mean(-1, keepdims=True) if centered else x
    V = (y*y).sum(-1)
    for k in range(1, L+1):
        V = V + 2*(1-k/(L+1))*(y[..., :-k]*y[..., k:]).sum(-1)
    if centered: V = V*R/(R-1)
    with np.errstate(divide='ignore', invalid='ignore'):
        T = np.where(V > 1e-12, S/np.sqrt(np.maximum(V,1e-300)), np.sign(S)*np.inf)
    return T
def pval(d, L, centered):
    flips = E*d  # 1024 x R
    Tf = stat(flips, L, centered)
    To = stat(d, L, centered)
    return (Tf >= To - 1e-9).mean()
def markov(q, n):
    s = np.empty(n); s[0] = rng.choice([-1,1])
    for i in range(1,n):
        s[i] = s[i-1] if rng.random() < q else -s[i-1]
    return s
level = 0.045
for (mu, a, q) in [(0,0,0), (0,1,.7), (0,1,.8), (0,2,.8), (0,1,.9), (0,2,.9), (0.7,0,0),(1.0,0,0),(1.5,0,0), (3,0,0)]:
    n = 1500
    res = {k:0 for k in ['sum','c1','c2','u2','c3']}
    for _ in range(n):
        d = mu + a*(markov(q,R) if a else 0) + rng.standard_normal(R)
        res['sum'] += pval(d,0,False) <= level
        res['c1'] += pval(d,1,True) <= level
        res['c2'] += pval(d,2,True) <= level
        res['u2'] += pval(d,2,False) <= level
        res['c3'] += pval(d,3,True) <= level
    print(mu,a,q, {k: round(v/n,3) for k,v in res.items()})

# ---- part 2: more than 16 rounds, t references for the Bartlett-studentized sum
rng = np.random.default_rng(1)
from scipy import stats
def lrv(x, L):
    v = (x*x).sum(1)
    for k in range(1, L+1):
        v += 2*(1-k/(L+1))*(x[:, :-k]*x[:, k:]).sum(1)
    return v
for dist in ['normal', 't3']:
  for R in [17, 20, 30, 50, 100]:
    L = int(np.floor(R**(1/3)+1e-9))
    n = 200000
    x = rng.standard_normal((n, R)) if dist=='normal' else rng.standard_t(3, (n, R))
    T = x.sum(1)/np.sqrt(lrv(x, L))
    s = 1 + 2*sum((1-k/(L+1))**2 for k in range(1, L+1))
    nu = (R-1)/s
    with np.errstate(invalid='ignore', divide='ignore'):
        t = T*np.sqrt((R-1)/(R-T*T))
    out = [dist, R, L, round(nu,1)]
    for a in [0.05, 0.01, 0.001]:
        out.append((a, round((stats.t.sf(t, nu) <= a).mean()/a, 2), round((stats.t.sf(T, nu) <= a).mean()/a, 2), round((stats.norm.sf(T) <= a).mean()/a,2), round((stats.t.sf(t, R-1) <= a).mean()/a,2)))
    print(out)

# ---- part 3: 20-100 rounds, t(R-1) on the sum vs the block sign-flip (10 blocks)
rng = np.random.default_rng(4)
def flip_p(x, B):
    # x: (n, R) -> block sums with B blocks (last absorbs remainder), exact sign-flip p of sum
    n, R = x.shape; b = R // B
    idx = [min(i // b, B-1) for i in range(R)]
    S = np.zeros((n, B))
    for i in range(R): S[:, idx[i]] += x[:, i]
    E = np.array(list(itertools.product([1,-1], repeat=B)), float)  # 2^B x B
    obs = S.sum(1)
    A = np.abs(S) @ E.T   # n x 2^B
    return (A >= obs[:, None] - 1e-9).mean(1)
def markov(n, R, q):
    s = np.empty((n,R)); s[:,0] = rng.choice([-1,1], n)
    for i in range(1,R):
        s[:,i] = np.where(rng.random(n) < q, s[:,i-1], -s[:,i-1])
    return s
n = 4000
for R in [20, 30, 50, 100]:
    B = 10
    for name, x in [('iid', rng.standard_normal((n,R))), ('mk.8', markov(n,R,.8)+rng.standard_normal((n,R))), ('mk.7 a2', 2*markov(n,R,.7)+rng.standard_normal((n,R))),('pow mu.5', 0.5+rng.standard_normal((n,R)))]:
        S = x.sum(1); Z = S/np.sqrt((x*x).sum(1)); t = Z*np.sqrt((R-1)/np.maximum(R-Z*Z,1e-12))
        pt = stats.t.sf(t, R-1)
        pb = flip_p(x, B)
        print(R, name, [(a, round((pt<=a).mean(),3), round((pb<=a).mean(),3)) for a in (0.045, 0.01)])
