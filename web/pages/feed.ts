/** "Your calendar": a person's own feed URL, to paste into a calendar app once. */
import { html, type Html } from '../html';

export function calendarSection(url: string): Html {
  const webcal = url.replace(/^https?:/, 'webcal:');
  return html`<section aria-labelledby="my-calendar">
    <h2 id="my-calendar">Your calendar</h2>
    <p>
      Every learning session, call and deadline of the collaboratives you take part in, kept up to date when
      dates move. Add it to your calendar app once, by this address (it is personal: do not share it).
    </p>
    <p class="field">
      <label for="feed-url">Your calendar address</label>
      <input id="feed-url" type="text" readonly value="${url}" />
    </p>
    <p><a href="${webcal}">Subscribe in your calendar app</a> · <a href="${url}">Download it once</a></p>
  </section>`;
}
