import { defineFeature } from '../../core/define';
import { tagCommand } from './commands/tag.command';
import { tagsPageComponent } from './components/tags-page.component';

/** Canned answers staff write and anyone may post. */
export const tags = defineFeature({
  name: 'tags',
  description: 'Tags: canned answers moderators write and anyone can post',
  commands: [tagCommand],
  components: [tagsPageComponent],
});
