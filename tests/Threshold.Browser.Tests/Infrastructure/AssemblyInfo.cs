using Threshold.Browser.Tests.Infrastructure;

// One server for the whole run; one browser per test class; at most two classes at once (2-core machines).
[assembly: AssemblyFixture(typeof(ThresholdServer))]
[assembly: Xunit.v3.Parallelization(MaxThreads = 2)]
