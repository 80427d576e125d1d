namespace X; public class Smoke { [Xunit.Fact] public void Ok() => Xunit.Assert.Equal(2, 1 + 1); }
