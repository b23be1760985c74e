// The part of jstat (https://github.com/jstat/jstat, v1.9) this project calls; jstat ships no types.
declare module 'jstat' {
  interface JStat {
    normal: {
      pdf(x: number, mean: number, std: number): number;
      cdf(x: number, mean: number, std: number): number;
      inv(p: number, mean: number, std: number): number;
    };
    /** Regularized incomplete beta I_x(a, b); `false` outside 0 <= x <= 1. */
    ibeta(x: number, a: number, b: number): number | false;
    gammaln(x: number): number;
    betaln(a: number, b: number): number;
  }
  const jstat: { jStat: JStat };
  export default jstat;
}
