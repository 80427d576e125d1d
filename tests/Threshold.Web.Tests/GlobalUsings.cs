global using System.Net;
global using Threshold.Web.Tests.Infrastructure;
global using Xunit;
global using static Threshold.Web.Tests.Infrastructure.TestEnvironment;
