/** Pure numerics for hook-latency: distributions, rank tests, estimators, design. */
export * from './normal';
export * from './root';
export * from './ranks';
export * from './mann-whitney';
export * from './pair-count';
export * from './van-elteren';
export * from './sign-flip';
export * from './hodges-lehmann';
export * from './mser';
export * from './autocorrelation';
export * from './sample-size';
export * from './group-sequential';
export * from './mann-whitney-sorted';
export * from './quantile';
export * from './long-run-variance';
export * from './serial-correlation';
export * from './e-process';
