namespace Threshold.Web.Infrastructure;

/// <summary>
/// The operator's command line: <c>dotnet run --project src/Threshold.Web -- agents add EMAIL</c>
/// prints a one-time enrolment link instead of starting the server.
/// </summary>
public static class AgentCommands
{
    public static bool Handles(string[] args) => args is ["agents", ..];

    /// <returns>The process exit code.</returns>
    public static Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        output.WriteLine("agents: not implemented yet");
        return Task.FromResult(1);
    }
}
