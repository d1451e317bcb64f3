/** Links into the web app that notifications carry. */
export class Links {
  constructor(private readonly appUrl: string) {}

  private to(path: string, query: Record<string, string> = {}): string {
    const url = new URL(path, this.appUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url.toString();
  }

  verifyEmail = (token: string) => this.to('/verify-email', { token });
  resetPassword = (token: string) => this.to('/reset-password', { token });
  request = (id: string) => this.to(`/requests/${id}`);
  delivery = (id: string) => this.to(`/deliveries/${id}`);
  payouts = () => this.to('/payouts');
}
