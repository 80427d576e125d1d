using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threshold.Store.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ResetTickets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ResetTickets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    RequestKey = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    SecretHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BrowserBindingHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SecurityStamp = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 320, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FailedAttempts = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ResetTickets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ResetTickets_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ResetTickets_AccountId",
                table: "ResetTickets",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_ResetTickets_BrowserBindingHash",
                table: "ResetTickets",
                column: "BrowserBindingHash");

            migrationBuilder.CreateIndex(
                name: "IX_ResetTickets_Destination_CreatedAt",
                table: "ResetTickets",
                columns: new[] { "Destination", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ResetTickets_RequestKey_CreatedAt",
                table: "ResetTickets",
                columns: new[] { "RequestKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ResetTickets_SecretHash",
                table: "ResetTickets",
                column: "SecretHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ResetTickets");
        }
    }
}
