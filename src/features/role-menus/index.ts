import { defineFeature } from '../../core/define';
import { rolemenuCommand } from './commands/rolemenu.command';
import { chooseComponent, pickComponent } from './components/pick.component';

/** Self-assignable roles from posted menus (buttons or a select). */
export const roleMenus = defineFeature({
  name: 'role-menus',
  description: 'Role menus: roles members pick themselves from buttons or a select',
  commands: [rolemenuCommand],
  components: [pickComponent, chooseComponent],
});
